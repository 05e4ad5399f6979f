package pages_test

import (
	"strconv"
	"testing"

	"quire/app/apptest"
)

func TestSmoke(t *testing.T) {
	site := apptest.Start(t)
	c := site.Client(site.OwnerTk)
	page := c.Post("pages/create/", map[string]any{"title": "Hello", "json": [][]map[string]any{{{"classname": "Paragraph", "val": "<b>hi</b>"}}}}).Want(200)
	id := strconv.FormatInt(page.ID(), 10)
	c.Get("pages/all/").Want(200)
	c.In("home").Get("pages/get/" + id + "/").Want(200)
	c.Post("page/"+id+"/paragraph/update/1/", map[string]any{"widget": map[string]any{"val": "x"}}).Want(200)
	c.Get("people/all/").Want(200)
	c.Get("subsites/all/").Want(200)
	c.Get("auth/debug/").Want(200)
	site.Client("").Get("pages/all/").Error(401, "invalid_token")
}
