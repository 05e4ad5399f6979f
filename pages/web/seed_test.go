package web_test

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"strings"
	"testing"

	"quire/app/apptest"
)

// wiki is a test site with realistic content in its home subsite.
type wiki struct {
	site    *apptest.Site
	owner   *apptest.Client // the owner, at /@home
	welcome int64           // the page with every widget kind
	formID  int64           // its form widget
}

// seedWiki makes a site whose home subsite has a handbook folder tree and a "Team handbook" page
// holding every widget kind in two columns (66/34).
func seedWiki(t *testing.T) *wiki {
	t.Helper()
	s := apptest.Start(t)
	c := s.Client(s.OwnerTk).In("home")
	w := &wiki{site: s, owner: c}
	main := []map[string]any{
		{"classname": "Heading", "val": "Welcome to the team", "heading": "h0", "styleclass": "line"},
		{"classname": "Paragraph", "val": "<p>This handbook explains <strong>how we work</strong>: holidays, equipment and who to ask.</p>"},
		{"classname": "Paragraph", "val": "<p>Block: office hours are 9 to 5.</p>", "styleclass": "block"},
		{"classname": "Paragraph", "val": "<p>Quote: we ship small and often.</p>", "styleclass": "quote"},
		{"classname": "Paragraph", "val": "<p>Note: the wifi password is at reception.</p>", "styleclass": "note"},
		{"classname": "Paragraph", "val": "<p>Emphasis: ask before you buy.</p>", "styleclass": "emphasis"},
		{"classname": "Paragraph", "val": "<p>Thin: last reviewed in November.</p>", "styleclass": "thin"},
		{"classname": "Heading", "val": "Holidays", "heading": "h1", "styleclass": "emphasis"},
		{"classname": "Heading", "val": "Booking", "heading": "h2", "styleclass": "bars"},
		{"classname": "Heading", "val": "Public holidays", "heading": "h3", "styleclass": "quote"},
		{"classname": "Heading", "val": "Carry-over", "heading": "h4", "styleclass": "boxquote"},
		{"classname": "Form", "val": "<p>Sign up for the summer trip.</p>", "fields": []map[string]any{
			{"label": "Your name", "required": true},
			{"label": "Email", "type": "email", "required": true},
			{"label": "Guests", "type": "number"},
			{"label": "Date", "type": "date"},
			{"label": "Diet", "type": "select", "options": []string{"None", "Vegetarian", "Vegan"}},
			{"label": "Comments", "type": "textarea"},
			{"label": "I agree to the rules", "type": "checkbox", "required": true},
		}},
		{"classname": "Discussion", "val": "<p>Questions about the handbook go here.</p>"},
	}
	var page struct {
		ID   int64           `json:"id"`
		JSON [][]widgetShape `json:"json"`
	}
	c.Post("pages/create/", map[string]any{"title": "Team handbook", "path": "Handbook", "tags": []string{"hr", "onboarding"},
		"layout": []int{66, 34}, "json": []any{main, []any{}}}).Want(200).Decode(&page)
	w.welcome = page.ID
	for _, wd := range page.JSON[0] {
		if wd.Classname == "Form" {
			w.formID = wd.ID
		}
	}
	c.Upload(fmt.Sprintf("page/%d/attachment/create/", w.welcome), map[string]string{"column": "1"}, "holiday-policy.pdf",
		strings.NewReader("%PDF-1.4 holiday policy")).Want(200)
	c.Upload(fmt.Sprintf("page/%d/image/create/", w.welcome), map[string]string{"caption": "The office at night", "column": "1"},
		"office.png", bytes.NewReader(officePNG(t))).Want(200)
	for _, p := range []struct{ title, path string }{
		{"Equipment", "Handbook"}, {"Expenses", "Handbook/Money"}, {"Travel", "Handbook/Money"},
		{"Onboarding checklist", ""}, {"Contacts", ""},
	} {
		c.Post("pages/create/", map[string]any{"title": p.title, "path": p.path,
			"json": [][]map[string]any{{{"classname": "Paragraph", "val": "<p>About " + p.title + ".</p>"}}}}).Want(200)
	}
	return w
}

// officePNG is a 640x320 picture: a night sky over a row of lit windows.
func officePNG(t *testing.T) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 640, 320))
	for y := 0; y < 320; y++ {
		for x := 0; x < 640; x++ {
			c := color.RGBA{uint8(20 + y/8), uint8(30 + y/6), uint8(80 + y/3), 255}
			if y > 180 && (x/40)%2 == 0 && (y/30)%2 == 0 {
				c = color.RGBA{250, 210, 120, 255}
			}
			img.Set(x, y, c)
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

type widgetShape struct {
	ID        int64  `json:"id"`
	Classname string `json:"classname"`
}

// get fetches a web path ("/@home/...") as the client's person.
func get(c *apptest.Client, path string) *apptest.Response {
	return c.Do("GET", c.SiteWide().URL(path), nil, "")
}
