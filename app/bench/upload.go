package main

import (
	"fmt"
	"io"
	"math/rand/v2"
	"mime/multipart"
	"net/http"
	"os"
	"strings"
	"time"
)

// uploadSize is the size of each file uploaded; uploadRounds how many are sent one after another.
const (
	uploadSize   = 32 << 20
	uploadRounds = 6
)

// uploads measures attachment/create throughput with one client against writing the same bytes
// to a file on the same disk (written, synced and renamed, as the blob store does). Every file
// has new random content, so that deduplication cannot skip a write.
func (b *bench) uploads() {
	if onlyScenario != "" && !strings.Contains("upload", onlyScenario) {
		return
	}
	baseline, err := b.timeRounds(func(rng *rand.Rand) error { return writeFileLikeBlobs(b.inst.Config.Data, rng) })
	b.addThroughput(fmt.Sprintf("write %d MB to a file (baseline)", uploadSize>>20), baseline, err)
	upload, err := b.timeRounds(b.uploadOne)
	b.addThroughput(fmt.Sprintf("attachment/create, %d MB files", uploadSize>>20), upload, err)
}

// timeRounds runs one uploadRounds times and returns the total time.
func (b *bench) timeRounds(one func(*rand.Rand) error) (time.Duration, error) {
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 11))
	start := time.Now()
	for range uploadRounds {
		if err := one(rng); err != nil {
			return 0, err
		}
	}
	return time.Since(start), nil
}

func (b *bench) addThroughput(name string, d time.Duration, err error) {
	r := row{name: name, requests: uploadRounds, elapsed: d}
	if err != nil {
		r.errors, r.note = 1, err.Error()
	} else {
		r.mbps = float64(uploadRounds*uploadSize) / (1 << 20) / d.Seconds()
	}
	b.rows = append(b.rows, r)
	fmt.Printf("  %-36s %8.1f MB/s %s\n", name, r.mbps, r.note)
}

// randomBytes is an endless stream of pseudo-random bytes, cheap to make.
type randomBytes struct{ rng *rand.Rand }

func (r randomBytes) Read(p []byte) (int, error) {
	for i := 0; i+8 <= len(p); i += 8 {
		v := r.rng.Uint64()
		for k := range 8 {
			p[i+k] = byte(v >> (8 * k))
		}
	}
	return len(p) - len(p)%8, nil
}

func writeFileLikeBlobs(dir string, rng *rand.Rand) error {
	f, err := os.CreateTemp(dir, "bench-baseline-")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())
	if _, err := io.Copy(f, io.LimitReader(randomBytes{rng}, uploadSize)); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(f.Name(), f.Name()+".done")
}

// uploadOne streams one multipart upload made on the fly, so the client holds no file either.
func (b *bench) uploadOne(rng *rand.Rand) error {
	pr, pw := io.Pipe()
	mw := multipart.NewWriter(pw)
	go func() {
		part, err := mw.CreateFormFile("file", "bench.bin")
		if err == nil {
			_, err = io.Copy(part, io.LimitReader(randomBytes{rng}, uploadSize))
		}
		if err == nil {
			err = mw.Close()
		}
		pw.CloseWithError(err)
	}()
	page := b.pageIDs[rng.IntN(len(b.pageIDs))]
	req, err := http.NewRequest(http.MethodPost, fmt.Sprintf("%s/api/v1/page/%d/attachment/create/", b.inst.URL, page), pr)
	if err != nil {
		return err
	}
	req.Header.Set("X-Auth-Token", b.token)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	resp, err := b.client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("upload: %d %s", resp.StatusCode, body)
	}
	return nil
}
