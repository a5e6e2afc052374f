// Command build builds the default list snapshot from the source files
// committed in the repo and writes it where lists/snapshot embeds it.
// Run from the repository root:
//
//	go run ./lists/snapshot/cmd/build
//
// It reads only the repo (data/sources by default), never the network.
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/clearance-oss/clearance/lists/snapshot"
)

func main() {
	sources := flag.String("sources", "data/sources", "directory holding sources.json and the files it names")
	out := flag.String("out", "lists/snapshot/data", "directory to write the snapshot and manifest.json to")
	allowShrink := flag.Bool("allow-shrink", false, "write the snapshot even if a list lost more than half its entries")
	flag.Parse()
	if err := run(*sources, *out, *allowShrink); err != nil {
		fmt.Fprintln(os.Stderr, "build:", err)
		os.Exit(1)
	}
}

func run(sourcesDir, outDir string, allowShrink bool) error {
	start := time.Now()
	s, report, err := snapshot.Build(os.DirFS(sourcesDir), time.Now())
	if err != nil {
		return err
	}
	fmt.Print(report)
	// Same content as the committed snapshot: keep its BuiltAt, so that an
	// idle rebuild leaves the committed files byte for byte unchanged.
	if old, err := os.ReadFile(filepath.Join(outDir, snapshot.ManifestDataFile)); err == nil {
		var m snapshot.Manifest
		if err := json.Unmarshal(old, &m); err != nil {
			return fmt.Errorf("%s: %w", snapshot.ManifestDataFile, err)
		}
		if m.Version == s.Version {
			s.BuiltAt = m.BuiltAt
		}
		built := snapshot.ManifestOf(s)
		if err := snapshot.CheckShrink(&m, &built); err != nil && !allowShrink {
			return fmt.Errorf("%w (rerun with -allow-shrink if that is right)", err)
		}
	}
	var gz bytes.Buffer
	if err := snapshot.Encode(&gz, s); err != nil {
		return err
	}
	manifest, err := json.MarshalIndent(snapshot.ManifestOf(s), "", "  ")
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(outDir, snapshot.DataFile), gz.Bytes(), 0o644); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(outDir, snapshot.ManifestDataFile), append(manifest, '\n'), 0o644); err != nil {
		return err
	}
	fmt.Printf("wrote %s (%d bytes) and %s in %v\n", filepath.Join(outDir, snapshot.DataFile), gz.Len(),
		snapshot.ManifestDataFile, time.Since(start).Round(time.Millisecond))
	return nil
}
