package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
)

// pgbenchResult holds the two reference workloads' transactions per second.
type pgbenchResult struct {
	insertTPS  float64 // (a) a single-row INSERT per transaction
	hotLockTPS float64 // (b) BEGIN; SELECT … FOR UPDATE of one hot row; INSERT; COMMIT
}

const pgbenchSetup = `DROP TABLE IF EXISTS lt_rows, lt_hot;
CREATE TABLE lt_hot (id int PRIMARY KEY, n int NOT NULL DEFAULT 0);
INSERT INTO lt_hot VALUES (1, 0);
CREATE TABLE lt_rows (id bigserial PRIMARY KEY, hot int NOT NULL, v int NOT NULL, at timestamptz NOT NULL DEFAULT now());`

const scriptInsert = `\set v random(1, 1000000)
INSERT INTO lt_rows (hot, v) VALUES (0, :v);
`

const scriptHot = `\set v random(1, 1000000)
BEGIN;
SELECT n FROM lt_hot WHERE id = 1 FOR UPDATE;
INSERT INTO lt_rows (hot, v) VALUES (1, :v);
COMMIT;
`

var tpsRE = regexp.MustCompile(`tps = ([0-9.]+)`)

// runPgbench measures the reference ceilings on the PostgreSQL at url.
func runPgbench(ctx context.Context, url string, clients, seconds int, out io.Writer) (*pgbenchResult, error) {
	dir, err := os.MkdirTemp("", "loadtest")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	if b, err := exec.CommandContext(ctx, "psql", url, "-q", "-c", pgbenchSetup).CombinedOutput(); err != nil {
		return nil, fmt.Errorf("psql setup: %v: %s", err, b)
	}
	defer exec.Command("psql", url, "-q", "-c", "DROP TABLE IF EXISTS lt_rows, lt_hot").Run()
	tps := func(name, script string) (float64, error) {
		path := filepath.Join(dir, name+".sql")
		if err := os.WriteFile(path, []byte(script), 0o644); err != nil {
			return 0, err
		}
		cmd := exec.CommandContext(ctx, "pgbench", "-n", "-f", path, "-c", strconv.Itoa(clients), "-j", "2", "-T", strconv.Itoa(seconds), url)
		b, err := cmd.CombinedOutput()
		if err != nil {
			return 0, fmt.Errorf("pgbench %s: %v: %s", name, err, b)
		}
		m := tpsRE.FindSubmatch(b)
		if m == nil {
			return 0, fmt.Errorf("pgbench %s: no tps in %s", name, b)
		}
		return strconv.ParseFloat(string(m[1]), 64)
	}
	var r pgbenchResult
	if r.insertTPS, err = tps("insert", scriptInsert); err != nil {
		return nil, err
	}
	fmt.Fprintf(out, "pgbench (a) single-row INSERT, %d clients, %d s: %.0f TPS\n", clients, seconds, r.insertTPS)
	if r.hotLockTPS, err = tps("hot", scriptHot); err != nil {
		return nil, err
	}
	fmt.Fprintf(out, "pgbench (b) SELECT … FOR UPDATE one hot row + INSERT, %d clients, %d s: %.0f TPS\n", clients, seconds, r.hotLockTPS)
	return &r, nil
}

// compare prints the HTTP figure against the matching reference and target.
func (p *pgbenchResult) compare(out io.Writer, r result, sessions int) {
	if sessions == 1 {
		share := r.throughput() / p.hotLockTPS
		fmt.Fprintf(out, "one session: %.0f bookings/s = %.0f %% of pgbench (b) %.0f TPS (target ≥ 40 %%): %s\n",
			r.throughput(), 100*share, p.hotLockTPS, verdict(share >= 0.40))
		return
	}
	share := r.throughput() / p.insertTPS
	fmt.Fprintf(out, "%d sessions: %.0f bookings/s = %.0f %% of pgbench (a) %.0f TPS (target ≥ 15 %%): %s\n",
		sessions, r.throughput(), 100*share, p.insertTPS, verdict(share >= 0.15))
}

func verdict(ok bool) string {
	if ok {
		return "met"
	}
	return "NOT met"
}
