package app

import (
	"archive/tar"
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/mattn/go-sqlite3"
)

// A backup is one consistent snapshot of the database, taken inside one read transaction with
// SQLite's online backup API: writers go on meanwhile (WAL), and since the snapshot never
// changes, the copy never restarts, however busy the server is (stepping without the read
// transaction restarted at every write and never finished under eight writers). Its integrity
// is checked before anything is written, and the archive holds the uploaded files the snapshot
// refers to, so that it restores to a whole data directory.

// backupStep is how many database pages (4 KB) one step of the snapshot copies.
const backupStep = 4096

// BackupProgress is how far a backup has come: Stage "database" counts pages of the snapshot,
// "files" bytes of uploaded files.
type BackupProgress struct {
	Stage       string
	Done, Total int64
}

// BackupReport says what a backup holds.
type BackupReport struct {
	DatabaseBytes int64
	Files         int
	FileBytes     int64
	// Missing lists uploaded files the database refers to that DATA/files lacks: the backup has
	// everything else.
	Missing []string
}

// errMissingFiles is returned, with the report, when the backup lacks uploaded files that the
// database refers to but DATA/files does not hold.
var errMissingFiles = errors.New("uploaded files are missing")

// Backup writes a backup of the site to file, which must not exist, while the server may go on
// writing. A name ending in .db gets the database alone (a SQLite file); any other name gets a
// tar archive of a data directory: quire.db and files/ with every uploaded file the database
// refers to. The database is copied from one snapshot and passes PRAGMA integrity_check before
// anything is written to file. On error file is not left behind, except with errMissingFiles:
// then file is written and the report lists what it lacks. progress, when set, is called as it
// goes.
func (s *Site) Backup(ctx context.Context, file string, progress func(BackupProgress)) (*BackupReport, error) {
	if progress == nil {
		progress = func(BackupProgress) {}
	}
	if _, err := os.Lstat(file); err == nil {
		return nil, fmt.Errorf("%s exists already; choose a new file name", file)
	}
	dbOnly := strings.HasSuffix(file, ".db")
	snapshot := file + ".partial"
	if !dbOnly {
		snapshot = file + ".db-partial"
		// Leftover collection waits until the files are copied, in this process or the server.
		release, err := s.Pages.Blobs.Hold()
		if err != nil {
			return nil, err
		}
		defer release()
	}
	defer os.Remove(snapshot)
	defer os.Remove(snapshot + "-wal")
	defer os.Remove(snapshot + "-shm")
	if err := s.snapshot(ctx, snapshot, progress); err != nil {
		return nil, err
	}
	if err := checkIntegrity(ctx, snapshot); err != nil {
		return nil, err
	}
	info, err := os.Stat(snapshot)
	if err != nil {
		return nil, err
	}
	report := &BackupReport{DatabaseBytes: info.Size()}
	if dbOnly {
		return report, os.Rename(snapshot, file)
	}
	partial := file + ".partial"
	defer os.Remove(partial)
	if err := s.archive(ctx, partial, snapshot, report, progress); err != nil {
		return nil, err
	}
	if err := os.Rename(partial, file); err != nil {
		return nil, err
	}
	if len(report.Missing) > 0 {
		return report, errMissingFiles
	}
	return report, nil
}

// snapshot copies the database into the new file dst from one read transaction.
func (s *Site) snapshot(ctx context.Context, dst string, progress func(BackupProgress)) error {
	out, err := sql.Open("sqlite3", "file:"+dst)
	if err != nil {
		return err
	}
	defer out.Close()
	outConn, err := out.Conn(ctx)
	if err != nil {
		return fmt.Errorf("create %s: %w", dst, err)
	}
	defer outConn.Close()
	srcConn, err := s.DB.R.Conn(ctx)
	if err != nil {
		return err
	}
	defer srcConn.Close()
	return outConn.Raw(func(d any) error {
		return srcConn.Raw(func(raw any) error {
			src := raw.(*sqlite3.SQLiteConn)
			if err := beginRead(src); err != nil {
				return fmt.Errorf("backup: begin the snapshot: %w", err)
			}
			defer src.Exec("ROLLBACK", nil)
			bk, err := d.(*sqlite3.SQLiteConn).Backup("main", src, "main")
			if err != nil {
				return fmt.Errorf("backup: start: %w", err)
			}
			defer bk.Finish()
			total := -1
			for {
				done, err := bk.Step(backupStep)
				if err != nil {
					return fmt.Errorf("backup: %w", err)
				}
				if total < 0 {
					total = bk.PageCount()
				}
				if bk.PageCount() != total {
					// Only a change of the snapshot restarts a backup, and the read
					// transaction keeps it: this would be a bug, not load.
					return errors.New("backup: the database changed under its snapshot")
				}
				progress(BackupProgress{Stage: "database", Done: int64(total - bk.Remaining()), Total: int64(total)})
				if done {
					if err := bk.Finish(); err != nil {
						return fmt.Errorf("backup: %w", err)
					}
					// The copy is one file by itself (the source's WAL mode came with its
					// pages); Quire sets WAL again when it opens a restored copy.
					_, err := d.(*sqlite3.SQLiteConn).Exec("PRAGMA journal_mode = DELETE", nil)
					return err
				}
				if err := ctx.Err(); err != nil {
					return err
				}
			}
		})
	})
}

// beginRead opens a read transaction on c and reads, so that its snapshot is fixed until ROLLBACK.
func beginRead(c *sqlite3.SQLiteConn) error {
	if _, err := c.Exec("BEGIN", nil); err != nil {
		return err
	}
	rows, err := c.Query("SELECT COUNT(*) FROM sqlite_master", nil)
	if err != nil {
		c.Exec("ROLLBACK", nil)
		return err
	}
	defer rows.Close()
	if err := rows.Next(make([]driver.Value, 1)); err != nil {
		c.Exec("ROLLBACK", nil)
		return err
	}
	return nil
}

// checkIntegrity runs PRAGMA integrity_check on the database file and returns an error unless it
// answers "ok".
func checkIntegrity(ctx context.Context, file string) error {
	db, err := sql.Open("sqlite3", "file:"+file+"?mode=ro")
	if err != nil {
		return err
	}
	defer db.Close()
	rows, err := db.QueryContext(ctx, `PRAGMA integrity_check`)
	if err != nil {
		return fmt.Errorf("backup: integrity check: %w", err)
	}
	defer rows.Close()
	var problems []string
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			return err
		}
		if line != "ok" {
			problems = append(problems, line)
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("backup: integrity check: %w", err)
	}
	if len(problems) > 0 {
		return fmt.Errorf("backup: the copy fails its integrity check (nothing was written): %s", strings.Join(problems, "; "))
	}
	return nil
}

// archive writes to file a tar archive of the database snapshot, as quire.db, and of the
// uploaded files it refers to, as files/ab/cdef..., and syncs it.
func (s *Site) archive(ctx context.Context, file, snapshot string, report *BackupReport, progress func(BackupProgress)) error {
	type blob struct {
		sum  string
		size int64
	}
	var blobs []blob
	db, err := sql.Open("sqlite3", "file:"+snapshot+"?mode=ro")
	if err != nil {
		return err
	}
	rows, err := db.QueryContext(ctx, `SELECT sha256, MAX(size) FROM files GROUP BY sha256 ORDER BY sha256`)
	if err == nil {
		for rows.Next() {
			var b blob
			if err = rows.Scan(&b.sum, &b.size); err != nil {
				break
			}
			blobs = append(blobs, b)
		}
		rows.Close()
		if err == nil {
			err = rows.Err()
		}
	}
	db.Close()
	if err != nil {
		return fmt.Errorf("backup: list the uploaded files: %w", err)
	}
	var total int64
	for _, b := range blobs {
		total += b.size
	}

	f, err := os.OpenFile(file, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	defer f.Close()
	tw := tar.NewWriter(f)
	now := time.Now()
	if err := addFile(tw, DatabaseFile, snapshot, now); err != nil {
		return err
	}
	dir := s.Pages.Blobs.Dir
	for _, b := range blobs {
		if len(b.sum) != 64 {
			report.Missing = append(report.Missing, b.sum)
			continue
		}
		name := filepath.Join(b.sum[:2], b.sum[2:])
		err := addFile(tw, "files/"+filepath.ToSlash(name), filepath.Join(dir, name), time.Time{})
		if errors.Is(err, os.ErrNotExist) {
			report.Missing = append(report.Missing, b.sum)
			continue
		}
		if err != nil {
			return err
		}
		report.Files++
		report.FileBytes += b.size
		progress(BackupProgress{Stage: "files", Done: report.FileBytes, Total: total})
		if err := ctx.Err(); err != nil {
			return err
		}
	}
	if err := tw.Close(); err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		return err
	}
	return f.Close()
}

// addFile adds the file at path to the archive as name, with its modification time unless mtime
// is given.
func addFile(tw *tar.Writer, name, path string, mtime time.Time) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return err
	}
	if mtime.IsZero() {
		mtime = info.ModTime()
	}
	hdr := &tar.Header{Name: name, Mode: 0o640, Size: info.Size(), ModTime: mtime, Typeflag: tar.TypeReg, Format: tar.FormatPAX}
	if err := tw.WriteHeader(hdr); err != nil {
		return err
	}
	if _, err := io.Copy(tw, f); err != nil {
		return fmt.Errorf("backup %s: %w", name, err)
	}
	return nil
}

func runBackup(ctx context.Context, cl *cli, args []string) error {
	fs, config := cl.flags("backup", "data")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return errors.New("give the backup file: quire backup FILE.tar (or FILE.db for the database alone)")
	}
	file := fs.Arg(0)
	cfg, err := config()
	if err != nil {
		return err
	}
	site, err := OpenSite(ctx, cfg)
	if err != nil {
		return err
	}
	defer site.Close()
	last := map[string]int64{}
	report, err := site.Backup(ctx, file, func(p BackupProgress) {
		pct := p.Done * 100 / max(p.Total, 1)
		if prev, seen := last[p.Stage]; !seen || pct/10 != prev/10 {
			last[p.Stage] = pct
			unit, done, total := "pages", p.Done, p.Total
			if p.Stage == "files" {
				unit, done, total = "MB", p.Done>>20, p.Total>>20
			}
			fmt.Fprintf(cl.stdout, "backup: %s %d%% (%d of %d %s)\n", p.Stage, pct, done, total, unit)
		}
	})
	if errors.Is(err, errMissingFiles) {
		for _, sum := range report.Missing {
			fmt.Fprintf(cl.stderr, "missing: %s\n", filepath.Join(site.Pages.Blobs.Dir, sum[:min(2, len(sum))], sum[min(2, len(sum)):]))
		}
		return fmt.Errorf("wrote %s, but %d uploaded files the database refers to are missing from %s (listed above): the backup lacks them",
			file, len(report.Missing), site.Pages.Blobs.Dir)
	}
	if err != nil {
		return err
	}
	if strings.HasSuffix(file, ".db") {
		fmt.Fprintf(cl.stdout, "Wrote %s: the database (%d MB), integrity checked. Uploaded files are not in it: "+
			"give a name not ending in .db for an archive with them, or copy %s.\n", file, report.DatabaseBytes>>20, site.Pages.Blobs.Dir)
		return nil
	}
	fmt.Fprintf(cl.stdout, "Wrote %s: the database (%d MB, integrity checked) and %d uploaded files (%d MB).\n"+
		"Restore: stop Quire, then: mkdir NEWDATA && tar -xf %s -C NEWDATA && quire serve --data NEWDATA\n",
		file, report.DatabaseBytes>>20, report.Files, report.FileBytes>>20, file)
	return nil
}
