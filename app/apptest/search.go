package apptest

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"net/url"
	"testing"
)

// SearchResults calls search/query for q, with extra parameters as name, value pairs, expects a
// 200 and returns its results.
func SearchResults(t testing.TB, c *Client, q string, extra ...string) []map[string]any {
	t.Helper()
	v := url.Values{"q": {q}}
	for i := 0; i+1 < len(extra); i += 2 {
		v.Set(extra[i], extra[i+1])
	}
	var body struct {
		Results []map[string]any `json:"results"`
	}
	c.Get("search/query/", v).Want(200).Decode(&body)
	return body.Results
}

// Titles returns search results as "cat:title", in their order.
func Titles(results []map[string]any) []string {
	out := make([]string, len(results))
	for i, r := range results {
		out[i] = fmt.Sprintf("%s:%s", r["cat"], r["title"])
	}
	return out
}

// PNG returns a 4x4 PNG image with one pixel of the red shade, so that shades make different files.
func PNG(t testing.TB, shade uint8) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 4, 4))
	img.Set(1, 1, color.RGBA{shade, 0, 0, 255})
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}
