// Command quire is an intranet wiki: one binary serving the web UI and the REST API from an
// embedded SQLite database.
package main

import (
	"os"

	"quire/app"
)

func main() {
	os.Exit(app.Main(os.Args, os.Environ()))
}
