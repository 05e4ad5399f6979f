package web

import (
	"context"
	"sort"

	"quire/app/api"
	"quire/pages"
	"quire/pages/pagelog"
	"quire/people"
	"quire/widgets"
)

// pageChangeEntries returns the page's own changes (title, tags, folder, layout: pagelog) that
// belong to the timeline's batch of widget changes list: made before the batch's cursor (the
// time of the previous batch's last change; none on the first batch) and, when there is a batch
// after this one (next), at or after list's oldest change. So each shows in exactly one batch.
func (h *Handler) pageChangeEntries(ctx context.Context, page *pages.Page, list []*widgets.Change, next, cursor []string) ([]historyEntry, error) {
	var from, until *api.Time
	if len(cursor) > 0 {
		t, err := api.CursorTime(cursor[0])
		if err != nil {
			return nil, err
		}
		until = &t
	}
	if next != nil && len(list) > 0 {
		from = &list[len(list)-1].At
	}
	changes, err := pagelog.Read(ctx, h.Pages.DB.R, page.ID, from, until)
	if err != nil {
		return nil, err
	}
	out := make([]historyEntry, 0, len(changes))
	refs := make([]*api.UserRef, 0, len(changes))
	for _, c := range changes {
		out = append(out, historyEntry{Change: &widgets.Change{Kind: "page", At: c.At, By: c.By,
			Excerpt: pageChangeValue(c.Field, c.Old) + " → " + pageChangeValue(c.Field, c.New)}, What: pageChangeWhat[c.Field]})
	}
	for i := range out {
		if out[i].By.ID != 0 {
			refs = append(refs, &out[i].By)
		}
	}
	return out, people.FillNames(ctx, h.Pages.DB.R, refs...)
}

// pageChangeWhat names a page change in the timeline.
var pageChangeWhat = map[string]string{
	pagelog.FieldTitle: "Page renamed", pagelog.FieldTags: "Tags changed",
	pagelog.FieldFolder: "Page moved", pagelog.FieldLayout: "Layout changed",
}

// pageChangeValue shows one side of a page change: a title in quotes, no tags or Main when
// empty, a layout's widths as percentages.
func pageChangeValue(field, v string) string {
	switch {
	case field == pagelog.FieldTitle:
		return "“" + v + "”"
	case v == "" && field == pagelog.FieldTags:
		return "no tags"
	case v == "" && field == pagelog.FieldFolder:
		return pages.MainFolderName
	case field == pagelog.FieldLayout:
		return v + " %"
	}
	return v
}

// mergeEntries merges two timelines, each newest first, into one, newest first; at the same
// instant a page change comes first.
func mergeEntries(widgetEntries, pageEntries []historyEntry) []historyEntry {
	out := append(pageEntries, widgetEntries...)
	sort.SliceStable(out, func(i, j int) bool { return out[i].At.Key() > out[j].At.Key() })
	return out
}
