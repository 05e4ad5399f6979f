// Package rest holds the REST API v1 handlers of the people domain: each parses its parameters,
// calls one people.Service operation and answers. routes.go writes out every route; people.go
// holds the /people/* handlers, subsites.go those of /subsites/*, /mail/outbox/ and /auth/debug/,
// avatar.go the picture at /avatar/ID.svg.
//
// The answers are the operations' values encoded as JSON (httpapi.JSON, httpapi.AnswerList); a
// person's writes answer the person as PersonView sees them (answerPerson).
package rest
