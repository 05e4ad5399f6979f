package search_test

import (
	"fmt"
	"strings"
	"testing"

	"quire/app/apptest"
)

// BenchmarkWidgetUpdate updates a short paragraph on a page that holds only it and on a page that
// also holds 20 pasted logs of 900 KB each (18 MB of text). A write indexes only the widget it
// changes, so the two should cost about the same: compare their ns/op in one run.
func BenchmarkWidgetUpdate(b *testing.B) {
	line := "2026-11-30T10:00:00Z INFO worker=7 request served in 12ms status=200 path=/api/v1/pages/all/\n"
	log := strings.Repeat(line, 900_000/len(line))
	for _, logs := range []int{0, 20} {
		b.Run(fmt.Sprintf("logs=%d", logs), func(b *testing.B) {
			site := apptest.Start(b)
			c := site.Client(site.OwnerTk)
			page := c.Post("pages/create/", map[string]any{"title": "Incident", "json": paragraphs("Summary.")}).Want(200).Object()
			id := int64(page["id"].(float64))
			w := int64(page["json"].([]any)[0].([]any)[0].(map[string]any)["id"].(float64))
			for i := range logs {
				c.Post(fmt.Sprintf("page/%d/paragraph/create/", id), map[string]any{"val": fmt.Sprint(log, "log ", i), "format": "text"}).Want(200)
			}
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				c.Post(fmt.Sprintf("page/%d/paragraph/update/%d/", id, w), map[string]any{"val": fmt.Sprint("Summary, take ", i)}).Want(200)
			}
		})
	}
}
