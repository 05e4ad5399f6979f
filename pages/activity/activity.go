// Package activity is what people do on a page besides writing it: its history as a timeline of
// its widgets' changes (ReadPageHistory), its readers' visits and what changed since the last one
// (RecordVisit, CountChangesSince), and who has it open for editing now (MarkEditing,
// StopEditing, PageEditors).
//
// It imports pages and calls its exported reads (FindPage) for the page an operation is about, so
// pages never imports it; its callers are the front ends (pages/web). The two reads every page
// view makes (RecordVisit, PageEditors) join the pages table themselves, to check the page in
// the same query. Its two tables, page_visits and page_editors, are created by pages'
// migrations, where they were first applied.
package activity

import "quire/pages"

// Service holds activity's operations; Pages is the pages domain they read pages through.
type Service struct {
	Pages *pages.Service
}
