-- A page's history (widgets.Changes) reads its widgets' versions newest first, and the widgets
-- taken off it newest first, a bounded batch of each.
CREATE INDEX widgets_page_history ON widgets (page_id, created_at, id);
CREATE INDEX placements_page_removed ON placements (page_id, removed_at, current_id) WHERE removed_at IS NOT NULL;
