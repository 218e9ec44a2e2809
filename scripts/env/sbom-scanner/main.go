// A BuildKit SBOM generator (docs/attestations/sbom-protocol.md in moby/buildkit) for the local environment, where
// docker/buildkit-syft-scanner can be neither pulled nor built (its module is not served). It lists every regular
// file of each scanned filesystem with its SHA-256 in an SPDX 2.3 document, wrapped in an in-toto statement as
// BuildKit's bundle attestations expect. It detects no packages: that is syft's job; this one proves the path
// from `sbom: generator=IMAGE` to the attestation in the registry.
package main

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"time"
)

type checksum struct {
	Algorithm string `json:"algorithm"`
	Value     string `json:"checksumValue"`
}

type file struct {
	Name      string     `json:"fileName"`
	ID        string     `json:"SPDXID"`
	Checksums []checksum `json:"checksums"`
}

type document struct {
	Version      string `json:"spdxVersion"`
	DataLicense  string `json:"dataLicense"`
	ID           string `json:"SPDXID"`
	Name         string `json:"name"`
	Namespace    string `json:"documentNamespace"`
	CreationInfo struct {
		Created  string   `json:"created"`
		Creators []string `json:"creators"`
	} `json:"creationInfo"`
	Files []file `json:"files"`
}

type statement struct {
	Type          string   `json:"_type"`
	PredicateType string   `json:"predicateType"`
	Subject       []any    `json:"subject"`
	Predicate     document `json:"predicate"`
}

func scan(root, name string) (document, error) {
	doc := document{Version: "SPDX-2.3", DataLicense: "CC0-1.0", ID: "SPDXRef-DOCUMENT", Name: name}
	doc.CreationInfo.Created = time.Now().UTC().Format(time.RFC3339)
	doc.CreationInfo.Creators = []string{"Tool: build-and-deploy-file-sbom"}
	err := filepath.WalkDir(root, func(path string, entry fs.DirEntry, err error) error {
		if err != nil || !entry.Type().IsRegular() {
			return err
		}
		f, err := os.Open(path)
		if err != nil {
			return err
		}
		defer f.Close()
		hash := sha256.New()
		if _, err := io.Copy(hash, f); err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		sum := hex.EncodeToString(hash.Sum(nil))
		doc.Files = append(doc.Files, file{
			Name:      "/" + rel,
			ID:        fmt.Sprintf("SPDXRef-File-%d", len(doc.Files)),
			Checksums: []checksum{{Algorithm: "SHA256", Value: sum}},
		})
		return nil
	})
	sort.Slice(doc.Files, func(i, j int) bool { return doc.Files[i].Name < doc.Files[j].Name })
	doc.Namespace = "https://build-and-deploy.local/sbom/" + name + "/" + doc.CreationInfo.Created
	return doc, err
}

func write(destination, root string) error {
	name := filepath.Base(root)
	doc, err := scan(root, name)
	if err != nil {
		return fmt.Errorf("scanning %s: %w", root, err)
	}
	data, err := json.Marshal(statement{
		Type:          "https://in-toto.io/Statement/v0.1",
		PredicateType: "https://spdx.dev/Document",
		Subject:       []any{},
		Predicate:     doc,
	})
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(destination, name+".spdx.json"), data, 0o644)
}

func main() {
	destination, source := os.Getenv("BUILDKIT_SCAN_DESTINATION"), os.Getenv("BUILDKIT_SCAN_SOURCE")
	if destination == "" || source == "" {
		fmt.Fprintln(os.Stderr, "BUILDKIT_SCAN_DESTINATION and BUILDKIT_SCAN_SOURCE are required (BuildKit sets them)")
		os.Exit(2)
	}
	roots := []string{source}
	if extras := os.Getenv("BUILDKIT_SCAN_SOURCE_EXTRAS"); extras != "" {
		if entries, err := os.ReadDir(extras); err == nil {
			for _, entry := range entries {
				roots = append(roots, filepath.Join(extras, entry.Name()))
			}
		}
	}
	for _, root := range roots {
		if err := write(destination, root); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
	}
}
