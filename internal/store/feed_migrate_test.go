package store_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"testing"

	"github.com/atelier-ch/atelier/internal/store"
	"github.com/atelier-ch/atelier/internal/store/storetest"
)

// TestFeedAddressesSurviveHashing: the staff feed addresses handed out
// before migration 0011 keep working once only their hash is stored.
func TestFeedAddressesSurviveHashing(t *testing.T) {
	ctx := context.Background()
	for _, d := range storetest.Databases(t) {
		t.Run(d.Name, func(t *testing.T) {
			s, err := store.Open(ctx, d.URL, store.Options{})
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			if err := s.MigrateTo(ctx, "0007_people_accounts"); err != nil {
				t.Fatal(err)
			}
			db, _ := s.SQL()
			const token = "OLDFEEDTOKENOLDFEEDTOKENOLDFEED"
			if _, err := db.ExecContext(ctx, "INSERT INTO users (email, name, password_hash, role, language, created_at, feed_token) VALUES ('t@x.example', '', 'x', 'admin', 'fr', CURRENT_TIMESTAMP, $1)", token); err != nil {
				t.Fatal(err)
			}
			if err := s.Migrate(ctx); err != nil {
				t.Fatal(err)
			}
			sum := sha256.Sum256([]byte(token))
			u, err := s.UserByFeedTokenHash(ctx, hex.EncodeToString(sum[:]))
			if err != nil || u.Email != "t@x.example" {
				t.Fatalf("the old address no longer opens the feed: %v", err)
			}
		})
	}
}
