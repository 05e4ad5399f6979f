package search

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"quire/widgets"
)

// IndexFile makes a file of the page (in its subsite) findable by its name and, for a text
// file, all its text: its first part (maxPartText) now, in the caller's transaction, and the
// parts after it in the background, one per transaction (indexQueuedPart), so that a large upload
// never holds the writer long. When the file's bytes cannot be read, it is found by its name
// only, and that is logged with its id (unreadable): the write that indexes it does not fail
// for it. It returns the database's errors.
func (s *Service) IndexFile(ctx context.Context, tx DBTX, subsiteID, pageID int64, f *widgets.StoredFile) error {
	body, next := "", int64(-1)
	if widgets.IsTextLike(f.ContentType) {
		var err error
		if body, next, err = s.readFilePart(f, 0); err != nil {
			s.unreadable(f, 0, err)
			body, next = "", -1
		}
	}
	docID, err := indexDocID(ctx, tx, Doc{Cat: CatFile, RefID: f.ID, SubsiteID: subsiteID, PageID: pageID,
		Title: f.Filename, Body: body, UpdatedAt: f.CreatedAt})
	if err != nil || next < 0 {
		return err
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO search_queue (doc_id, next_part, next_offset) VALUES (?, 1, ?)
		ON CONFLICT (doc_id) DO UPDATE SET next_part = 1, next_offset = excluded.next_offset`, docID, next)
	if err != nil {
		return fmt.Errorf("index file %d: %w", f.ID, err)
	}
	s.wakeIndexer()
	return nil
}

// unreadable logs that the text of file f from byte offset on cannot be read for the index (its
// bytes are gone from the files folder, or the disk fails): the file is found by its name, and
// by the text indexed before offset, until it is indexed again.
func (s *Service) unreadable(f *widgets.StoredFile, offset int64, err error) {
	s.log().Warn("search: a file's text cannot be read for the index; it is found by its name and its text before offset", "file_id", f.ID,
		"sha256", f.SHA256, "offset", offset, "err", err)
}

// readFilePart reads the part of the file's text that starts at byte offset: at most maxPartText
// bytes, ending after a space or line break when there is one in its second half. It returns the
// offset of the next part, or -1 when the text ends with this part. Bytes that are not UTF-8
// become spaces.
func (s *Service) readFilePart(f *widgets.StoredFile, offset int64) (string, int64, error) {
	blob, err := s.Blobs.Open(f.SHA256)
	if err != nil {
		return "", -1, err
	}
	defer blob.Close()
	buf := make([]byte, maxPartText+1)
	n, err := blob.ReadAt(buf, offset)
	if err != nil && !errors.Is(err, io.EOF) {
		return "", -1, err
	}
	if n <= maxPartText {
		return strings.ToValidUTF8(string(buf[:n]), " "), -1, nil
	}
	cut := bytes.LastIndexAny(buf[:maxPartText], " \n\t")
	if cut < maxPartText/2 {
		cut = maxPartText
		for cut > 0 && !utf8.RuneStart(buf[cut]) {
			cut--
		}
	} else {
		cut++
	}
	return strings.ToValidUTF8(string(buf[:cut]), " "), offset + int64(cut), nil
}
