package app

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/mattn/go-sqlite3"
)

// Backup writes a consistent copy of the site's database to file with SQLite's online backup,
// while the server may go on writing. progress, when set, is told the pages copied of the total.
func (s *Site) Backup(ctx context.Context, file string, progress func(done, total int)) error {
	if _, err := os.Stat(file); err == nil {
		return fmt.Errorf("%s exists already; choose a new file name", file)
	}
	dst, err := sql.Open("sqlite3", "file:"+file)
	if err != nil {
		return err
	}
	defer dst.Close()
	dstConn, err := dst.Conn(ctx)
	if err != nil {
		return fmt.Errorf("create %s: %w", file, err)
	}
	defer dstConn.Close()
	srcConn, err := s.DB.R.Conn(ctx)
	if err != nil {
		return err
	}
	defer srcConn.Close()
	return dstConn.Raw(func(d any) error {
		return srcConn.Raw(func(src any) error {
			bk, err := d.(*sqlite3.SQLiteConn).Backup("main", src.(*sqlite3.SQLiteConn), "main")
			if err != nil {
				return fmt.Errorf("start backup: %w", err)
			}
			for {
				done, err := bk.Step(1024)
				if err != nil {
					bk.Finish()
					return fmt.Errorf("backup: %w", err)
				}
				if progress != nil {
					total := bk.PageCount()
					progress(total-bk.Remaining(), total)
				}
				if done {
					return bk.Finish()
				}
				if err := ctx.Err(); err != nil {
					bk.Finish()
					return err
				}
			}
		})
	})
}

func runBackup(ctx context.Context, cl *cli, args []string) error {
	fs, config := cl.flags("backup", "data")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return errors.New("give the backup file: quire backup FILE")
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
	last := -1
	err = site.Backup(ctx, file, func(done, total int) {
		if pct := done * 100 / max(total, 1); pct/10 != last/10 {
			last = pct
			fmt.Fprintf(cl.stdout, "backup: %d%% (%d of %d pages)\n", pct, done, total)
		}
	})
	if err != nil {
		os.Remove(file)
		return err
	}
	fmt.Fprintf(cl.stdout, "Wrote %s. Uploaded files are in %s: copy that folder too.\n", file, filepath.Join(cfg.Data, "files"))
	return nil
}
