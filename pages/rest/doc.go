// Package rest holds the REST API v1 handlers of the pages domain: each parses its parameters,
// calls one pages.Service operation and answers. routes.go writes out every route; request.go
// starts a handler (the caller, the subsite, the parameters); uploads.go streams multipart
// uploads into the blob store; records_csv.go is the CSV answer of a form's records.
//
// The answers are the operations' values encoded as JSON (httpapi.JSON, httpapi.AnswerList), but
// a page's, which PageAnswer sends as the page cache keeps it; a front end that must answer
// exactly what the API does (the web UI's ?json) calls PageAnswer.
package rest
