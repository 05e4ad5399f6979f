package app_test

import (
	"context"
	"testing"

	"golang.org/x/crypto/bcrypt"

	"quire/app"
	"quire/app/apptest"
)

// TestPasswordCost checks that new password hashes take the configured bcrypt cost, and that a
// cost outside bcrypt's safe range is refused at start.
func TestPasswordCost(t *testing.T) {
	t.Parallel()
	site := apptest.Start(t, apptest.WithEnv("QUIRE_PASSWORD_COST", "5"))
	var hash string
	if err := site.Inst.DB.R.QueryRowContext(context.Background(),
		`SELECT password_hash FROM users WHERE id = ?`, site.Owner.ID).Scan(&hash); err != nil {
		t.Fatal(err)
	}
	if cost, err := bcrypt.Cost([]byte(hash)); err != nil || cost != 5 {
		t.Errorf("the owner's password hash has cost %d (%v), want 5", cost, err)
	}
	for _, bad := range []string{"3", "16", "ten", ""} {
		_, err := app.ConfigFromEnv(map[string]string{"QUIRE_PASSWORD_COST": bad})
		if (err == nil) != (bad == "") {
			t.Errorf("QUIRE_PASSWORD_COST=%q: error %v", bad, err)
		}
	}
	if cfg, err := app.ConfigFromEnv(map[string]string{}); err != nil || cfg.PasswordCost != bcrypt.DefaultCost {
		t.Errorf("default cost %d (%v), want bcrypt's default %d", cfg.PasswordCost, err, bcrypt.DefaultCost)
	}
}
