// Package people holds who uses the wiki and what they may do: users, subsites, memberships and
// roles, the permission policy (Actor.Can), API tokens, browser sessions, invitations and
// one-time links. Every action the API offers is an operation of Service that takes the actor
// (AddMember, SetRole, InvitePerson, UpdateSubsite...): it checks permission, validates, runs one
// transaction with its mail queued in it, and returns the errors of errors.go. The REST API v1
// handlers of /people/*, /subsites/*, /mail/* and /auth/* (people/rest) and the web pages
// (people/web) parse, call one and answer. Methods without an actor (CreateUser, AddToSubsite,
// CreateSubsite...) are for the site itself: the CLI, the first start and tests. Mail and
// notifications are the sub-package mail.
package people

import (
	"context"
	"embed"
	"sync"
	"time"

	"quire/app/httpapi"
	"quire/app/sqldb"
)

// Migrations are the people tables; app applies them first.
//
//go:embed migrations/*.sql
var Migrations embed.FS

// DBTX is a connection or transaction, for store functions that take part in a caller's
// transaction.
type DBTX = sqldb.DBTX

// Service is the people domain over one database: its operations and store functions.
type Service struct {
	DB *sqldb.DB
	// BaseURL is the site's absolute URL without a trailing slash, for links in answers.
	BaseURL string
	// PersonChanged, when set, runs inside the transaction of every change to a person or their
	// memberships, so that other domains (the search index) change in the same transaction.
	PersonChanged func(ctx context.Context, tx DBTX, userID int64) error
	// SubsiteCreated, when set, runs inside the transaction that creates a subsite, so that
	// other domains set it up (its Main folder) before anyone can see it.
	SubsiteCreated func(ctx context.Context, tx DBTX, subsiteID int64) error
	// PasswordCost is the bcrypt work factor of new password hashes (4 to 31; 0 means bcrypt's
	// default, 10). Existing hashes keep the cost they were made with.
	PasswordCost int
	// SessionIdle ends a browser session that made no request for this long, and
	// SessionLifetime ends one this long after sign-in (0: DefaultSessionIdle and
	// DefaultSessionLifetime).
	SessionIdle, SessionLifetime time.Duration
	// Budget bounds the memory of large answers built at once (nil: no bound).
	Budget *httpapi.Budget

	cache     cache
	dummyOnce sync.Once
	dummy     []byte
	secrets   sync.Map // site secrets by name, read once (siteSecret)
}

func (s *Service) personChanged(ctx context.Context, tx DBTX, userID int64) error {
	if s.PersonChanged == nil {
		return nil
	}
	return s.PersonChanged(ctx, tx, userID)
}

// OpenAPI holds this package's parts of the OpenAPI document (openapi/*.yaml): the paths and
// schemas of its endpoints, one file per area.
//
//go:embed openapi/*.yaml
var OpenAPI embed.FS
