package rest

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"

	"quire/app/api"
	"quire/pages"
	"quire/widgets"
)

// The page JSON of pages/create: its "json" (columns of widget objects) and "layout".

// maxColumns is the most columns a page may have.
const maxColumns = 4

// equalWidths returns n column widths in percent that sum to 100, the last taking the remainder.
func equalWidths(n int) []int {
	w := make([]int, n)
	for i := range w {
		w[i] = 100 / n
	}
	w[n-1] += 100 - (100/n)*n
	return w
}

// widthsJSON is the layout of equal widths for columns columns, as the example of an error.
func widthsJSON(columns int) string {
	b, _ := json.Marshal([][]int{equalWidths(columns)})
	return string(b)
}

// parseLayout reads a layout given as [[66, 34]] or [66, 34] for a page of columns columns;
// nil gives equal widths.
func parseLayout(v any, columns int) ([][]int, error) {
	if v == nil {
		return [][]int{equalWidths(columns)}, nil
	}
	row, ok := v.([]any)
	if ok && len(row) == 1 {
		if inner, isList := row[0].([]any); isList {
			row = inner
		}
	}
	bad := api.Invalid("layout", "Parameter \"layout\" must be a list of %d column widths in percent that sum to 100, such as %s.",
		columns, widthsJSON(columns))
	if !ok || len(row) != columns {
		return nil, bad
	}
	widths := make([]int, len(row))
	sum := 0
	for i, item := range row {
		n, isNum := item.(json.Number)
		w, err := n.Int64()
		if !isNum || err != nil || w < 1 || w > 100 {
			return nil, bad
		}
		widths[i] = int(w)
		sum += int(w)
	}
	if sum != 100 {
		return nil, bad
	}
	return [][]int{widths}, nil
}

// parseColumns reads pages/create's "json": a list of columns, each a list of widget objects.
func parseColumns(v any) ([][]widgets.Content, error) {
	cols, ok := v.([]any)
	if !ok || len(cols) == 0 || len(cols) > maxColumns {
		return nil, api.Invalid("json", "Parameter \"json\" must be a list of 1 to %d columns, each a list of widgets, such as [[{\"classname\": \"Paragraph\", \"val\": \"Hello\"}]].", maxColumns)
	}
	out := make([][]widgets.Content, len(cols))
	total := 0
	discussion := ""
	for i, col := range cols {
		items, ok := col.([]any)
		if !ok {
			return nil, api.Invalid(fmt.Sprintf("json[%d]", i), "Column %d of \"json\" must be a list of widgets.", i)
		}
		if total += len(items); total > pages.MaxWidgetsPerRequest {
			return nil, api.Invalid("json", "Parameter \"json\" has %d widgets or more; a page is created with at most %d (add more with widget calls).", total, pages.MaxWidgetsPerRequest)
		}
		out[i] = []widgets.Content{}
		for j, item := range items {
			field := fmt.Sprintf("json[%d][%d]", i, j)
			obj, ok := item.(map[string]any)
			if !ok {
				return nil, api.Invalid(field, "Each widget in %q must be an object with \"classname\" and \"val\".", "json")
			}
			c, err := parseWidgetSpec(field, obj)
			if err != nil {
				return nil, err
			}
			if c.Classname == widgets.Discussion {
				if discussion != "" {
					return nil, api.Invalid(field, "A page has at most one Discussion widget; %s is one already.", discussion)
				}
				discussion = field
			}
			out[i] = append(out[i], c)
		}
	}
	return out, nil
}

// parseWidgetSpec validates one widget object of pages/create, naming field in errors. Which
// kinds pages/create may make, with which keys and by which constructor, is the kind table's
// (widgets.Kinds).
func parseWidgetSpec(field string, obj map[string]any) (widgets.Content, error) {
	name, _ := obj["classname"].(string)
	kind, ok := widgets.KindOf(name)
	if !ok || kind.FromPage == nil {
		var kinds []string
		for _, k := range widgets.Kinds() {
			if k.FromPage != nil {
				kinds = append(kinds, k.Classname)
			}
		}
		sort.Strings(kinds)
		return widgets.Content{}, api.Invalid(field+".classname", "%s.classname must be one of %s (attachments are added with attachment/create).",
			field, strings.Join(kinds, ", "))
	}
	keys := kind.PageKeys
	for k := range obj {
		if !slices.Contains(keys, k) {
			return widgets.Content{}, api.Invalid(field+"."+k, "Unknown key %q in %s; a %s takes %s.", k, field, kind.Classname, strings.Join(keys, ", "))
		}
	}
	var in widgets.Input
	for key, dst := range map[string]**string{"val": &in.Val, "format": &in.Format, "styleclass": &in.Styleclass, "heading": &in.Heading} {
		v, present := obj[key]
		if !present || v == nil {
			continue
		}
		s, isString := v.(string)
		if !isString {
			return widgets.Content{}, api.Invalid(field+"."+key, "%s.%s must be a string.", field, key)
		}
		*dst = &s
	}
	c, err := kind.FromPage(in, obj)
	var e *api.Error
	if errors.As(err, &e) && e.Field != "" {
		return c, &api.Error{Code: e.Code, Field: field + "." + e.Field, Message: field + ": " + e.Message}
	}
	return c, err
}
