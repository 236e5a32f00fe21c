package main

import (
	"context"
	"errors"
	"fmt"
	"os"

	"github.com/atelier-ch/atelier/internal/config"
	"github.com/atelier-ch/atelier/internal/store"
)

// backup writes a consistent copy of the SQLite database to a new file,
// while Atelier keeps running.
func (e env) backup(ctx context.Context, args []string) error {
	if len(args) != 1 {
		return errors.New("usage: atelier backup FILE")
	}
	cfg, err := config.FromEnv(e.getenv)
	if err != nil {
		return err
	}
	path, err := store.SQLitePath(cfg.DatabaseURL)
	if err != nil {
		return err
	}
	// Opening a missing file would create an empty database.
	if _, err := os.Stat(path); err != nil {
		return fmt.Errorf("no database at %s: %w", path, err)
	}
	s, err := store.Open(ctx, cfg.DatabaseURL, store.Options{})
	if err != nil {
		return err
	}
	defer s.Close()
	if err := s.Backup(ctx, args[0]); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "backup of %s written to %s\n", path, args[0])
	return nil
}

// restore puts a backup in place of the SQLite database; Atelier must be
// stopped.
func (e env) restore(ctx context.Context, args []string) error {
	if len(args) != 1 {
		return errors.New("usage: atelier restore FILE")
	}
	cfg, err := config.FromEnv(e.getenv)
	if err != nil {
		return err
	}
	path, err := store.SQLitePath(cfg.DatabaseURL)
	if err != nil {
		return err
	}
	if err := store.Restore(ctx, args[0], cfg.DatabaseURL); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "%s restored from %s; start atelier to use it\n", path, args[0])
	return nil
}
