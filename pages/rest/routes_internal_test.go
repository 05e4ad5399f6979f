package rest

import (
	"testing"

	"github.com/gin-gonic/gin"

	"quire/pages"
	"quire/widgets"
)

// Every kind of the widget table has its routes written out in Routes: get, delete, versions and
// restore for all, create and update for the text kinds.
func TestRoutesServeEveryWidgetKind(t *testing.T) {
	t.Parallel()
	gin.SetMode(gin.ReleaseMode)
	e := gin.New()
	Routes(e, &pages.Service{})
	have := map[string]bool{}
	for _, r := range e.Routes() {
		have[r.Method+" "+r.Path] = true
	}
	for _, k := range widgets.Kinds() {
		base := "/page/:page_id/" + k.Segment
		want := []string{"GET " + base + "/get/:widget_id/", "POST " + base + "/delete/:widget_id/",
			"GET " + base + "/versions/:widget_id/", "POST " + base + "/restore/:widget_id/"}
		if k.Text {
			want = append(want, "POST "+base+"/create/", "POST "+base+"/update/:widget_id/")
		}
		for _, route := range want {
			if !have[route] {
				t.Errorf("%s: no route %s", k.Classname, route)
			}
		}
	}
}
