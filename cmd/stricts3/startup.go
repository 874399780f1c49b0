package main

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"flag"
	"fmt"
	"os"
	"strings"

	"github.com/stricts3/stricts3/emulator"
	"github.com/stricts3/stricts3/emulator/cors"
)

// startupEnv binds the start-up state flags. STRICTS3_BUCKETS is
// comma-separated, as --bucket accepts too.
var startupEnv = envFlags{
	"bucket": {"STRICTS3_BUCKETS"},
	"cors":   {"STRICTS3_CORS"},
}

// bucketList collects repeated --bucket NAME options; each may also be a
// comma-separated list.
type bucketList []string

func (b *bucketList) String() string { return strings.Join(*b, ",") }

func (b *bucketList) Set(v string) error {
	for _, name := range strings.Split(v, ",") {
		if name = strings.TrimSpace(name); name != "" {
			*b = append(*b, name)
		}
	}
	return nil
}

// startupFlags are serve's start-up state: buckets created at start, with
// an optional CORS configuration for each.
type startupFlags struct {
	buckets  bucketList
	corsFile string
	// setups is the resolved form, for emulator.Options.Buckets.
	setups []emulator.BucketSetup
}

func (s *startupFlags) register(fs *flag.FlagSet) {
	fs.Var(&s.buckets, "bucket", "create this bucket at start (repeatable, or comma-separated); reset creates it again")
	fs.StringVar(&s.corsFile, "cors", "", "CORS configuration for every --bucket: S3's XML or the aws CLI's JSON ({\"CORSRules\": [...]})")
}

// resolve reads the CORS file and builds the bucket setups. Bucket names
// are checked by emulator.New, with S3's rules.
func (s *startupFlags) resolve() error {
	var cfg *cors.Configuration
	if s.corsFile != "" {
		if len(s.buckets) == 0 {
			return usageErrorf("--cors applies to the --bucket buckets; none is given")
		}
		var err error
		if cfg, err = loadCORS(s.corsFile); err != nil {
			return err
		}
	}
	seen := map[string]bool{}
	for _, name := range s.buckets {
		if seen[name] {
			continue
		}
		seen[name] = true
		s.setups = append(s.setups, emulator.BucketSetup{Name: name, CORS: cfg})
	}
	return nil
}

// names are the start-up buckets, each once, in the order given.
func (s *startupFlags) names() []string {
	names := make([]string, 0, len(s.setups))
	for _, b := range s.setups {
		names = append(names, b.Name)
	}
	return names
}

// loadCORS reads a CORS configuration in S3's XML or the aws CLI's JSON
// form and validates it as PutBucketCors would.
func loadCORS(path string) (*cors.Configuration, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, usageErrorf("--cors: %v", err)
	}
	if len(data) > cors.MaxDocumentSize {
		return nil, usageErrorf("--cors: %s is larger than S3's %d-byte limit", path, cors.MaxDocumentSize)
	}
	doc := bytes.TrimSpace(data)
	if bytes.HasPrefix(doc, []byte("{")) {
		if doc, err = corsJSONToXML(doc); err != nil {
			return nil, usageErrorf("--cors: %s: %v", path, err)
		}
	}
	cfg, err := cors.Parse(doc)
	if err != nil {
		return nil, usageErrorf("--cors: %s: %v", path, err)
	}
	return cfg, nil
}

// corsJSON is the aws CLI's put-bucket-cors --cors-configuration form.
type corsJSON struct {
	CORSRules []struct {
		ID             string   `json:"ID"`
		AllowedHeaders []string `json:"AllowedHeaders"`
		AllowedMethods []string `json:"AllowedMethods"`
		AllowedOrigins []string `json:"AllowedOrigins"`
		ExposeHeaders  []string `json:"ExposeHeaders"`
		MaxAgeSeconds  *int     `json:"MaxAgeSeconds"`
	} `json:"CORSRules"`
}

// corsXMLRule is one CORSRule as PutBucketCors sends it.
type corsXMLRule struct {
	ID             string   `xml:"ID,omitempty"`
	AllowedHeaders []string `xml:"AllowedHeader"`
	AllowedMethods []string `xml:"AllowedMethod"`
	AllowedOrigins []string `xml:"AllowedOrigin"`
	ExposeHeaders  []string `xml:"ExposeHeader"`
	MaxAgeSeconds  *int     `xml:"MaxAgeSeconds,omitempty"`
}

// corsJSONToXML rewrites the JSON form as the XML document, so that one
// parser (cors.Parse) validates both with S3's rules.
func corsJSONToXML(doc []byte) ([]byte, error) {
	dec := json.NewDecoder(bytes.NewReader(doc))
	dec.DisallowUnknownFields()
	var in corsJSON
	if err := dec.Decode(&in); err != nil {
		return nil, fmt.Errorf("not the aws CLI's CORS JSON: %v", err)
	}
	out := struct {
		XMLName xml.Name      `xml:"CORSConfiguration"`
		Rules   []corsXMLRule `xml:"CORSRule"`
	}{}
	for _, r := range in.CORSRules {
		out.Rules = append(out.Rules, corsXMLRule(r))
	}
	return xml.Marshal(out)
}
