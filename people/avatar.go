package people

import (
	"context"
	"fmt"
	"hash/fnv"
	"html"
	"strings"
	"unicode"
)

// CanSee reports whether viewer may see person userID in the directory: themselves, anyone who
// shares a subsite with them, and everyone for owners.
func (s *Service) CanSee(ctx context.Context, viewer *Actor, userID int64) (bool, error) {
	if viewer.User.IsOwner || viewer.User.ID == userID {
		return true, nil
	}
	var shared bool
	err := s.DB.R.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM memberships a JOIN memberships b ON b.subsite_id = a.subsite_id
		WHERE a.user_id = ? AND b.user_id = ?)`, viewer.User.ID, userID).Scan(&shared)
	if err != nil {
		return false, fmt.Errorf("can see user %d: %w", userID, err)
	}
	return shared, nil
}

// avatarColors are the backgrounds of generated avatars, dark enough for white initials.
var avatarColors = []string{"#1f6feb", "#8250df", "#bf3989", "#cf222e", "#bc4c00", "#4d2d00", "#116329", "#0a3069", "#57606a"}

// initials returns up to two letters for a name: "Ada Lovelace" gives "AL".
func initials(name string) string {
	var out []rune
	for _, word := range strings.Fields(name) {
		for _, r := range word {
			if unicode.IsLetter(r) || unicode.IsNumber(r) {
				out = append(out, unicode.ToUpper(r))
				break
			}
		}
	}
	switch {
	case len(out) == 0:
		return "?"
	case len(out) > 2:
		out = []rune{out[0], out[len(out)-1]}
	}
	return string(out)
}

// AvatarSVG returns the picture of person userID as viewer may see it: their initials on a
// colour of their own, as an SVG document. Returns ErrUserNotFound for a person viewer may not
// see (CanSee) or who does not exist.
func (s *Service) AvatarSVG(ctx context.Context, viewer *Actor, userID int64) ([]byte, error) {
	visible, err := s.CanSee(ctx, viewer, userID)
	if err != nil {
		return nil, err
	}
	u, err := FindUserByID(ctx, s.DB.R, userID)
	if err != nil || !visible {
		return nil, ErrUserNotFound
	}
	h := fnv.New32a()
	h.Write([]byte(u.Email))
	return fmt.Appendf(nil, `<svg xmlns="http://www.w3.org/2000/svg" width="128" height="128" viewBox="0 0 128 128">`+
		`<rect width="128" height="128" rx="64" fill="%s"/>`+
		`<text x="64" y="64" dy=".35em" text-anchor="middle" font-family="sans-serif" font-size="52" fill="#fff">%s</text></svg>`,
		avatarColors[h.Sum32()%uint32(len(avatarColors))], html.EscapeString(initials(u.Name))), nil
}
