package console

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/clearance-oss/clearance/app"
	"github.com/clearance-oss/clearance/batch"
	"github.com/clearance-oss/clearance/store"
)

// maxReviewRows is how many rows with hits the batch page lists; the
// downloads hold all of them.
const maxReviewRows = 200

type batchesData struct {
	Batches []store.Batch
	Formats []string
}

func (c *Console) batchesPage(w http.ResponseWriter, r *http.Request) {
	c.showBatches(w, r, http.StatusOK, "")
}

func (c *Console) showBatches(w http.ResponseWriter, r *http.Request, status int, errMsg string) {
	bs, err := c.cfg.Service.Batches(r.Context(), actor(r), 50)
	if err != nil {
		c.serviceError(w, r, "listing batches", err)
		return
	}
	c.render(w, r, status, "batches", view{Title: "Batch screening", Nav: "batches", Error: errMsg, Data: batchesData{Batches: bs, Formats: app.BatchResultFormats}})
}

// batchUpload starts a job from the uploaded file and sends the analyst to
// its progress page (POST-redirect-GET, so a reload does not upload twice).
func (c *Console) batchUpload(w http.ResponseWriter, r *http.Request) {
	file, hdr, err := r.FormFile("file")
	if err != nil {
		c.showBatches(w, r, http.StatusBadRequest, "Choose a CSV or XLSX file to upload.")
		return
	}
	defer file.Close()
	req := app.BatchRequest{Filename: hdr.Filename, Reference: strings.TrimSpace(r.PostFormValue("reference"))}
	if l := strings.TrimSpace(r.PostFormValue("lists")); l != "" {
		req.Lists = []string{l}
	}
	b, err := c.cfg.Service.StartBatch(r.Context(), actor(r), req, file)
	if err != nil {
		var tooBig *http.MaxBytesError
		switch {
		case errors.As(err, &tooBig):
			c.showBatches(w, r, http.StatusRequestEntityTooLarge, fmt.Sprintf("The file is larger than the limit of %d MiB.", c.cfg.MaxUploadBytes>>20))
		case errors.Is(err, app.ErrInvalid):
			c.showBatches(w, r, http.StatusBadRequest, userMessage(err))
		default:
			c.serviceError(w, r, "starting the batch", err)
		}
		return
	}
	http.Redirect(w, r, "/batches/"+b.ID, http.StatusSeeOther)
}

type batchData struct {
	Batch    store.Batch
	Percent  int
	Running  bool
	HitRows  []batch.JSONLRecord
	MoreHits bool
	Formats  []string
}

func (c *Console) batchPage(w http.ResponseWriter, r *http.Request) {
	a := actor(r)
	b, err := c.cfg.Service.Batch(r.Context(), a, r.PathValue("id"))
	if err != nil {
		c.serviceError(w, r, "batch", err)
		return
	}
	d := batchData{Batch: b, Formats: app.BatchResultFormats,
		Running: b.Status == store.BatchQueued || b.Status == store.BatchRunning}
	if b.Total > 0 {
		d.Percent = b.Done * 100 / b.Total
	}
	if b.Status == store.BatchDone {
		d.HitRows, d.MoreHits, err = c.batchHits(r, a, b.ID)
		if err != nil {
			c.serviceError(w, r, "reading batch results", err)
			return
		}
	}
	v := view{Title: "Batch " + b.Filename, Nav: "batches", Data: d}
	if d.Running {
		v.Refresh = 3 // without JavaScript; the script removes it and polls instead
	}
	c.render(w, r, http.StatusOK, "batch", v)
}

// batchHits reads the job's results through the same function as the
// download (JSONL, streamed through a pipe) and keeps the first rows that
// have matches.
func (c *Console) batchHits(r *http.Request, a app.Actor, id string) ([]batch.JSONLRecord, bool, error) {
	pr, pw := io.Pipe()
	go func() {
		pw.CloseWithError(c.cfg.Service.WriteBatchResults(r.Context(), a, id, batch.FormatJSONL, pw))
	}()
	defer pr.Close() // stops the writer early once enough rows are read
	sc := bufio.NewScanner(pr)
	sc.Buffer(make([]byte, 64<<10), 16<<20)
	var hits []batch.JSONLRecord
	for sc.Scan() {
		var rec batch.JSONLRecord
		if err := json.Unmarshal(sc.Bytes(), &rec); err != nil {
			return nil, false, fmt.Errorf("batch %s results: %w", id, err)
		}
		if len(rec.Matches) == 0 {
			continue
		}
		if len(hits) == maxReviewRows {
			return hits, true, nil
		}
		hits = append(hits, rec)
	}
	if err := sc.Err(); err != nil {
		return nil, false, err
	}
	return hits, false, nil
}

// batchStatus is the JSON the progress script polls.
func (c *Console) batchStatus(w http.ResponseWriter, r *http.Request) {
	b, err := c.cfg.Service.Batch(r.Context(), actor(r), r.PathValue("id"))
	if err != nil {
		status := http.StatusInternalServerError
		if errors.Is(err, app.ErrNotFound) {
			status = http.StatusNotFound
		}
		http.Error(w, err.Error(), status)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	json.NewEncoder(w).Encode(b)
}

var downloadTypes = map[string]string{
	batch.FormatCSV:   "text/csv; charset=utf-8",
	batch.FormatXLSX:  "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
	batch.FormatJSONL: "application/jsonl; charset=utf-8",
}

// batchDownload streams the results in the format the file name asks for.
func (c *Console) batchDownload(w http.ResponseWriter, r *http.Request) {
	format, ok := strings.CutPrefix(r.PathValue("file"), "results.")
	if err := app.CheckResultFormat(format); !ok || err != nil {
		c.renderError(w, r, http.StatusNotFound, "Results can be downloaded as .csv, .xlsx or .jsonl.")
		return
	}
	a := actor(r)
	b, err := c.cfg.Service.Batch(r.Context(), a, r.PathValue("id"))
	if err != nil {
		c.serviceError(w, r, "batch", err)
		return
	}
	name := strings.TrimSuffix(b.Filename, fileExt(b.Filename)) + "-results." + format
	w.Header().Set("Content-Type", downloadTypes[format])
	w.Header().Set("Cache-Control", "no-store") // screening results stay off shared caches and disks
	w.Header().Set("Content-Disposition", fmt.Sprintf("attachment; filename=%q", asciiFilename(name)))
	if err := c.cfg.Service.WriteBatchResults(r.Context(), a, b.ID, format, w); err != nil {
		c.log.Error("console: batch download", "batch", b.ID, "err", err)
	}
}

func fileExt(name string) string {
	if i := strings.LastIndexByte(name, '.'); i >= 0 {
		return name[i:]
	}
	return ""
}

// asciiFilename keeps a download name safe inside a header.
func asciiFilename(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r > 0x7e || r == '"' || r == '\\' {
			return '_'
		}
		return r
	}, s)
}
