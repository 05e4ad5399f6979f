package people

import "quire/app/api"

// Errors of the people domain. Their messages are shown to clients as they are.
var (
	// ErrNotFound answers anything a caller may not see, so that non-members learn nothing.
	ErrNotFound = api.NotFound("Not found, or you do not have access to it.")
	// ErrUserNotFound is a person id that does not exist on the site.
	ErrUserNotFound = api.NotFound("No such person on this site.")
	// ErrSubsiteNotFound is an unknown subsite id or slug.
	// It says exactly what ErrNotFound says, so that nobody learns which subsites exist.
	ErrSubsiteNotFound = api.NotFound("Not found, or you do not have access to it.")
	// ErrInvalidToken is a missing, unknown, expired or revoked API token.
	ErrInvalidToken = &api.Error{Code: api.CodeInvalidToken,
		Message: "Missing or invalid API token. Send it in the X-Auth-Token header."}
	// ErrInvalidLogin is a wrong email or password; it does not say which.
	ErrInvalidLogin = api.Invalid("password", "Wrong email address or password.")
	// ErrEmailTaken is an email address already on the site.
	ErrEmailTaken = api.Conflict("A person with this email address is already on the site.")
	// ErrLastOwner refuses to delete the site's only owner, who alone can administer it.
	ErrLastOwner = api.Conflict("This person is the site's only owner; make someone else an owner first.")
	// ErrSlugTaken is a subsite slug already in use.
	ErrSlugTaken = api.Conflict("A subsite with this slug already exists; choose another slug.")
)

// MissingScope is the error for a token that lacks scope.
func MissingScope(scope string) error { return errMissingScope(scope) }

func errMissingScope(scope string) error {
	return &api.Error{Code: api.CodeMissingScope, Scope: scope,
		Message: "This API token lacks the \"" + scope + "\" scope needed for this action; make a token with it (tokens/create)."}
}
