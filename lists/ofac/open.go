package ofac

import (
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// FileSet names the four files of one OFAC list. Empty names are skipped
// (an SDN list without sdn_comments.csv is still read). A name ending in
// ".gz" is decompressed.
type FileSet struct {
	Main, Addresses, Aliases, Comments string
}

// SDNFiles and ConsolidatedFiles are the names OFAC publishes the files
// under, in dir.
func SDNFiles(dir string) FileSet {
	return FileSet{filepath.Join(dir, "sdn.csv"), filepath.Join(dir, "add.csv"), filepath.Join(dir, "alt.csv"), filepath.Join(dir, "sdn_comments.csv")}
}

// ConsolidatedFiles: see SDNFiles.
func ConsolidatedFiles(dir string) FileSet {
	return FileSet{filepath.Join(dir, "cons_prim.csv"), filepath.Join(dir, "cons_add.csv"), filepath.Join(dir, "cons_alt.csv"), filepath.Join(dir, "cons_comments.csv")}
}

// Open loads the address, alias and comment files of fs and returns a
// reader positioned at the start of the main file, and a function that
// closes it. consolidated selects NewConsolidatedReader over NewReader.
// A side file that does not exist is skipped.
func Open(files FileSet, consolidated bool) (*Reader, func() error, error) {
	main, closeMain, err := openMaybeGzip(files.Main)
	if err != nil {
		return nil, nil, fmt.Errorf("ofac: %w", err)
	}
	var r *Reader
	if consolidated {
		r = NewConsolidatedReader(main)
	} else {
		r = NewReader(main)
	}
	r.SetFileName(filepath.Base(files.Main))
	for _, side := range []struct {
		name string
		load func(io.Reader, string) error
	}{{files.Addresses, r.LoadAddresses}, {files.Aliases, r.LoadAliases}, {files.Comments, r.LoadComments}} {
		if side.name == "" {
			continue
		}
		f, closeSide, err := openMaybeGzip(side.name)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			closeMain()
			return nil, nil, fmt.Errorf("ofac: %w", err)
		}
		err = side.load(f, filepath.Base(side.name))
		closeSide()
		if err != nil {
			closeMain()
			return nil, nil, err
		}
	}
	return r, closeMain, nil
}

func openMaybeGzip(name string) (io.Reader, func() error, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, nil, err
	}
	if filepath.Ext(name) != ".gz" {
		return f, f.Close, nil
	}
	zr, err := gzip.NewReader(f)
	if err != nil {
		f.Close()
		return nil, nil, fmt.Errorf("%s: %w", name, err)
	}
	return zr, func() error { zr.Close(); return f.Close() }, nil
}
