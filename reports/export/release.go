package export

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/civiscope/civiscope"
	"github.com/civiscope/civiscope/postgres"
)

// File is one published file with its checksum.
type File struct {
	Name      string `json:"name"`
	MediaType string `json:"mediatype"`
	Bytes     int64  `json:"bytes"`
	SHA256    string `json:"sha256"`
	Rows      int64  `json:"rows,omitempty"` // data rows, for tables
}

// Release is one immutable version of a data set.
type Release struct {
	ID        int64     `json:"-"`
	Dataset   string    `json:"dataset"`
	Version   string    `json:"version"`
	CreatedAt time.Time `json:"created_at"`
	Files     []File    `json:"files"`
	Dir       string    `json:"-"` // where the files are on disk
}

var versionRe = regexp.MustCompile(`^[0-9A-Za-z.-]{1,60}$`)

// VersionAt names a release made at t: 20261122T101500Z. Versions sort in
// time order and are valid in file names and URLs.
func VersionAt(t time.Time) string { return t.UTC().Format("20060102T150405Z") }

// Publish writes a release of dataset under root/dataset/version: build
// fills a private directory, every file gets its SHA-256 in SHA256SUMS, and
// the directory is renamed into place and recorded in the same database
// transaction, so a failed build leaves nothing behind and a published
// version never changes (a second Publish of it is ECONFLICT). rows gives
// the number of data rows per file name, when known.
func Publish(ctx context.Context, pool *pgxpool.Pool, root, dataset, version string,
	build func(ctx context.Context, dir string) (rows map[string]int64, err error)) (*Release, error) {
	return publish(ctx, pool, root, dataset, version, build)
}

// WritePrivate writes the same files as Publish under root/dataset/version
// for internal use: nothing is recorded, so the release is never listed
// or served, and latest.json is left alone.
func WritePrivate(ctx context.Context, root, dataset, version string,
	build func(ctx context.Context, dir string) (rows map[string]int64, err error)) (*Release, error) {
	return publish(ctx, nil, root, dataset, version, build)
}

func publish(ctx context.Context, pool *pgxpool.Pool, root, dataset, version string,
	build func(ctx context.Context, dir string) (rows map[string]int64, err error)) (*Release, error) {
	if !versionRe.MatchString(version) {
		return nil, civiscope.Errorf(civiscope.EINVALID, "version %q: use letters, digits, '.' and '-' (at most 60)", version)
	}
	parent := filepath.Join(root, dataset)
	final := releaseDir(root, dataset, version)
	if _, err := os.Stat(final); err == nil {
		return nil, civiscope.Errorf(civiscope.ECONFLICT, "%s %s is already published; releases are immutable", dataset, version)
	}
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return nil, fmt.Errorf("create release directory: %w", err)
	}
	var rnd [6]byte
	_, _ = rand.Read(rnd[:])
	tmp := filepath.Join(parent, ".build-"+version+"-"+hex.EncodeToString(rnd[:]))
	if err := os.Mkdir(tmp, 0o755); err != nil {
		return nil, fmt.Errorf("create build directory: %w", err)
	}
	placed := false
	defer func() {
		if !placed {
			os.RemoveAll(tmp)
		}
	}()
	rows, err := build(ctx, tmp)
	if err != nil {
		return nil, err
	}
	files, err := checksum(tmp, rows)
	if err != nil {
		return nil, err
	}
	rel := &Release{Dataset: dataset, Version: version, Files: files, Dir: final}
	if pool == nil {
		if err := os.Rename(tmp, final); err != nil {
			return nil, fmt.Errorf("place private release: %w", err)
		}
		placed = true
		return rel, nil
	}
	err = postgres.InTx(ctx, pool, func(tx pgx.Tx) error {
		err := tx.QueryRow(ctx, `INSERT INTO report_release (dataset, version) VALUES ($1, $2) RETURNING id, created_at`,
			dataset, version).Scan(&rel.ID, &rel.CreatedAt)
		if err != nil {
			if strings.Contains(err.Error(), "23505") {
				return civiscope.Errorf(civiscope.ECONFLICT, "%s %s is already published; releases are immutable", dataset, version)
			}
			return fmt.Errorf("record release: %w", err)
		}
		for _, f := range files {
			var r *int64
			if f.Rows > 0 {
				r = &f.Rows
			}
			if _, err := tx.Exec(ctx, `INSERT INTO report_release_file (release_id, name, media_type, bytes, sha256, rows) VALUES ($1, $2, $3, $4, $5, $6)`,
				rel.ID, f.Name, f.MediaType, f.Bytes, f.SHA256, r); err != nil {
				return fmt.Errorf("record %s: %w", f.Name, err)
			}
		}
		// Rename inside the transaction: if the commit fails, the directory
		// is moved back out of the way below.
		if err := os.Rename(tmp, final); err != nil {
			return fmt.Errorf("place release: %w", err)
		}
		placed = true
		return nil
	})
	if err != nil {
		if placed {
			_ = os.Rename(final, tmp)
			placed = false
		}
		return nil, err
	}
	_ = writeLatest(parent, version)
	return rel, nil
}

// checksum hashes every file of dir, makes it read-only and writes
// SHA256SUMS in the format `sha256sum -c` checks.
func checksum(dir string, rows map[string]int64) ([]File, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("list release files: %w", err)
	}
	var files []File
	var sums strings.Builder
	for _, e := range entries {
		if e.IsDir() {
			continue
		}
		f, err := HashFile(filepath.Join(dir, e.Name()))
		if err != nil {
			return nil, err
		}
		f.Rows = rows[f.Name]
		files = append(files, f)
	}
	sort.Slice(files, func(i, j int) bool { return files[i].Name < files[j].Name })
	for _, f := range files {
		fmt.Fprintf(&sums, "%s  %s\n", f.SHA256, f.Name)
	}
	if err := os.WriteFile(filepath.Join(dir, Sums), []byte(sums.String()), 0o444); err != nil {
		return nil, fmt.Errorf("write SHA256SUMS: %w", err)
	}
	for _, f := range files {
		if err := os.Chmod(filepath.Join(dir, f.Name), 0o444); err != nil {
			return nil, fmt.Errorf("make %s read-only: %w", f.Name, err)
		}
	}
	return files, nil
}

// HashFile returns a file's size, media type and SHA-256.
func HashFile(path string) (File, error) {
	fh, err := os.Open(path)
	if err != nil {
		return File{}, fmt.Errorf("open %s: %w", filepath.Base(path), err)
	}
	defer fh.Close()
	h := sha256.New()
	n, err := io.Copy(h, fh)
	if err != nil {
		return File{}, fmt.Errorf("hash %s: %w", filepath.Base(path), err)
	}
	return File{Name: filepath.Base(path), MediaType: MediaType(path), Bytes: n, SHA256: hex.EncodeToString(h.Sum(nil))}, nil
}

// MediaType names a release file's type from its extension.
func MediaType(name string) string {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".csv":
		return "text/csv; charset=utf-8"
	case ".json":
		return "application/json"
	case ".xlsx":
		return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	case ".r":
		return "text/x-r; charset=utf-8"
	case ".sps":
		return "text/x-spss-syntax; charset=utf-8"
	case ".do":
		return "text/x-stata-syntax; charset=utf-8"
	case ".md", ".txt":
		return "text/plain; charset=utf-8"
	}
	if t := mime.TypeByExtension(filepath.Ext(name)); t != "" {
		return t
	}
	return "application/octet-stream"
}

// writeLatest points root/dataset/latest.json at the newest version. It is
// the one file that changes; the versions it points to never do.
func writeLatest(parent, version string) error {
	b, _ := json.Marshal(map[string]string{"version": version})
	tmp := filepath.Join(parent, ".latest.json.tmp")
	if err := os.WriteFile(tmp, b, 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, filepath.Join(parent, "latest.json"))
}

// Releases lists the published versions of dataset, newest first.
func Releases(ctx context.Context, db postgres.Querier, dataset string) ([]Release, error) {
	rows, err := db.Query(ctx, `SELECT r.id, r.version, r.created_at, f.name, f.media_type, f.bytes, f.sha256, coalesce(f.rows, 0)
		FROM report_release r JOIN report_release_file f ON f.release_id = r.id
		WHERE r.dataset = $1 ORDER BY r.created_at DESC, r.id DESC, f.name`, dataset)
	if err != nil {
		return nil, fmt.Errorf("list releases: %w", err)
	}
	defer rows.Close()
	var out []Release
	for rows.Next() {
		var id int64
		var v string
		var at time.Time
		var f File
		if err := rows.Scan(&id, &v, &at, &f.Name, &f.MediaType, &f.Bytes, &f.SHA256, &f.Rows); err != nil {
			return nil, fmt.Errorf("list releases: %w", err)
		}
		if len(out) == 0 || out[len(out)-1].ID != id {
			out = append(out, Release{ID: id, Dataset: dataset, Version: v, CreatedAt: at})
		}
		out[len(out)-1].Files = append(out[len(out)-1].Files, f)
	}
	return out, rows.Err()
}

// releaseDir is where the files of a version are under root.
func releaseDir(root, dataset, version string) string {
	return filepath.Join(root, dataset, version)
}

// Sums is the checksum list of every release: the one file of a release
// that the release does not list, since it cannot hold its own hash.
const Sums = "SHA256SUMS"

// Open opens the file name of r under root, if r lists it or it is the
// checksum list; any other name is ENOTFOUND, so a name from a URL never
// reaches another path on disk.
func (r *Release) Open(root, name string) (*os.File, File, error) {
	f := File{Name: name, MediaType: MediaType(".txt")}
	found := name == Sums
	for _, lf := range r.Files {
		if lf.Name == name {
			f, found = lf, true
		}
	}
	if !found || strings.ContainsAny(name, `/\`) || name == "." || name == ".." {
		return nil, File{}, civiscope.Ruled(civiscope.ENOTFOUND, "release_file", civiscope.Params{"file": name}, "%s %s has no file %q", r.Dataset, r.Version, name)
	}
	fh, err := os.Open(filepath.Join(releaseDir(root, r.Dataset, r.Version), name))
	if err != nil {
		return nil, File{}, civiscope.Ruled(civiscope.ENOTFOUND, "release_missing", nil, "%s %s is recorded but its files are not on this server", r.Dataset, r.Version)
	}
	return fh, f, nil
}

// FindRelease returns one published version; "latest" is the newest.
func FindRelease(ctx context.Context, db postgres.Querier, dataset, version string) (*Release, error) {
	rels, err := Releases(ctx, db, dataset)
	if err != nil {
		return nil, err
	}
	for _, r := range rels {
		if r.Version == version || version == "latest" {
			return &r, nil
		}
	}
	if len(rels) == 0 {
		return nil, civiscope.Ruled(civiscope.ENOTFOUND, "release_none", civiscope.Params{"dataset": dataset}, "%s has no published release yet", dataset)
	}
	return nil, civiscope.Ruled(civiscope.ENOTFOUND, "release_version", civiscope.Params{"dataset": dataset, "version": version, "latest": rels[0].Version}, "%s has no release %q (the latest is %s)", dataset, version, rels[0].Version)
}
