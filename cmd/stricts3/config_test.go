package main

import (
	"io"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// envMap is a test environment: only the variables a case sets exist.
func envMap(kv map[string]string) Getenv {
	return func(k string) string { return kv[k] }
}

func TestParseServe_FlagWinsOverEnvWinsOverDefault(t *testing.T) {
	cases := []struct {
		name     string
		args     []string
		env      map[string]string
		wantAddr string
		wantReg  string
		wantKey  string
		wantDir  string
		wantDom  string
	}{
		{
			name:     "defaults",
			wantAddr: "127.0.0.1:9000", wantReg: "us-east-1", wantKey: "AKIAIOSFODNN7EXAMPLE", wantDom: "localhost",
		},
		{
			name:     "environment over default",
			env:      map[string]string{"STRICTS3_ADDR": ":9999", "STRICTS3_REGION": "eu-central-1", "STRICTS3_ACCESS_KEY": "ENVKEY", "STRICTS3_DATA_DIR": "/data", "STRICTS3_DOMAIN": "S3.Test."},
			wantAddr: ":9999", wantReg: "eu-central-1", wantKey: "ENVKEY", wantDir: "/data", wantDom: "s3.test",
		},
		{
			name:     "flag over environment",
			args:     []string{"--addr", "127.0.0.1:0", "--region=ap-south-1", "-access-key", "FLAGKEY", "--data-dir", "/flag", "--domain", "flag.test"},
			env:      map[string]string{"STRICTS3_ADDR": ":9999", "STRICTS3_REGION": "eu-central-1", "STRICTS3_ACCESS_KEY": "ENVKEY", "STRICTS3_DATA_DIR": "/data", "STRICTS3_DOMAIN": "env.test"},
			wantAddr: "127.0.0.1:0", wantReg: "ap-south-1", wantKey: "FLAGKEY", wantDir: "/flag", wantDom: "flag.test",
		},
		{
			name:     "flag and environment mixed per setting",
			args:     []string{"--region", "us-west-2"},
			env:      map[string]string{"STRICTS3_ADDR": "0.0.0.0:9000", "STRICTS3_REGION": "eu-central-1"},
			wantAddr: "0.0.0.0:9000", wantReg: "us-west-2", wantKey: "AKIAIOSFODNN7EXAMPLE", wantDom: "localhost",
		},
		{
			name:     "empty environment value is unset",
			env:      map[string]string{"STRICTS3_REGION": ""},
			wantAddr: "127.0.0.1:9000", wantReg: "us-east-1", wantKey: "AKIAIOSFODNN7EXAMPLE", wantDom: "localhost",
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cfg, err := parseServe(c.args, io.Discard, envMap(c.env))
			require.NoError(t, err)
			assert.Equal(t, c.wantAddr, cfg.addr)
			assert.Equal(t, c.wantReg, cfg.region)
			assert.Equal(t, c.wantKey, cfg.accessKey)
			assert.Equal(t, c.wantDir, cfg.dataDir)
			assert.Equal(t, c.wantDom, cfg.domain)
			assert.Equal(t, "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", cfg.secretKey)
		})
	}
}

func TestParseServe_TLSSettings(t *testing.T) {
	cases := []struct {
		name        string
		args        []string
		env         map[string]string
		wantTLS     bool
		wantCertOut string
	}{
		{name: "off by default", wantTLS: false},
		{name: "STRICTS3_TLS turns it on, the CA's place is settled at start", env: map[string]string{"STRICTS3_TLS": "true", "STRICTS3_DATA_DIR": "/srv/s3"}, wantTLS: true},
		{name: "--tls=false beats STRICTS3_TLS", args: []string{"--tls=false"}, env: map[string]string{"STRICTS3_TLS": "1"}, wantTLS: false},
		{name: "--cert-out wins", args: []string{"--tls", "--cert-out", "/tmp/x/ca.pem"}, env: map[string]string{"STRICTS3_DATA_DIR": "/srv/s3"}, wantTLS: true, wantCertOut: "/tmp/x/ca.pem"},
		{name: "--cert and --key imply TLS, nothing written", args: []string{"--cert", "c.pem", "--key", "k.pem"}, wantTLS: true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cfg, err := parseServe(c.args, io.Discard, envMap(c.env))
			require.NoError(t, err)
			assert.Equal(t, c.wantTLS, cfg.tls)
			assert.Equal(t, c.wantCertOut, cfg.certOut)
		})
	}
}

func TestParseServe_UsageMistakes_ExitStatus2(t *testing.T) {
	cases := []struct {
		name string
		args []string
		env  map[string]string
	}{
		{"unknown flag", []string{"--nope"}, nil},
		{"positional argument", []string{"extra"}, nil},
		{"cert without key", []string{"--cert", "c.pem"}, nil},
		{"bad log format", []string{"--log-format", "xml"}, nil},
		{"bad log level", []string{"--log-level", "loud"}, nil},
		{"bad boolean in environment", nil, map[string]string{"STRICTS3_TLS": "maybe"}},
		{"bad duration in environment", nil, map[string]string{"STRICTS3_SHUTDOWN_TIMEOUT": "soon"}},
		{"empty region flag", []string{"--region", ""}, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := parseServe(c.args, io.Discard, envMap(c.env))
			require.Error(t, err)
			assert.Equal(t, exitUsage, exitCode(err))
		})
	}
}

func TestParseServe_Help_ExitsZero(t *testing.T) {
	_, err := parseServe([]string{"-h"}, io.Discard, envMap(nil))
	require.Error(t, err)
	assert.Equal(t, 0, exitCode(err))
}

func TestParseVerify_ClientEnvironment_StrictS3ThenAWSThenDefault(t *testing.T) {
	cases := []struct {
		name       string
		args       []string
		env        map[string]string
		wantRegion string
		wantKey    string
		wantSecret string
	}{
		{name: "defaults", wantRegion: "us-east-1", wantKey: "AKIAIOSFODNN7EXAMPLE", wantSecret: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"},
		{
			name:       "AWS_* from serve's export line",
			env:        map[string]string{"AWS_REGION": "eu-west-1", "AWS_ACCESS_KEY_ID": "AWSKEY", "AWS_SECRET_ACCESS_KEY": "awssecret"},
			wantRegion: "eu-west-1", wantKey: "AWSKEY", wantSecret: "awssecret",
		},
		{
			name:       "STRICTS3_* before AWS_*",
			env:        map[string]string{"AWS_REGION": "eu-west-1", "STRICTS3_REGION": "eu-north-1", "AWS_ACCESS_KEY_ID": "AWSKEY", "STRICTS3_ACCESS_KEY": "S3KEY"},
			wantRegion: "eu-north-1", wantKey: "S3KEY", wantSecret: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
		},
		{
			name:       "flags after the URL beat everything",
			args:       []string{"--region", "sa-east-1", "--secret-key", "flagsecret"},
			env:        map[string]string{"STRICTS3_REGION": "eu-north-1", "AWS_SECRET_ACCESS_KEY": "awssecret"},
			wantRegion: "sa-east-1", wantKey: "AKIAIOSFODNN7EXAMPLE", wantSecret: "flagsecret",
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			args := append([]string{"http://127.0.0.1:9000/b/k"}, c.args...)
			cfg, err := parseVerify("verify", args, io.Discard, envMap(c.env))
			require.NoError(t, err)
			assert.Equal(t, c.wantRegion, cfg.region)
			assert.Equal(t, c.wantKey, cfg.accessKey)
			assert.Equal(t, c.wantSecret, cfg.secretKey)
			assert.Equal(t, []string{"http://127.0.0.1:9000/b/k"}, cfg.positional)
		})
	}
}

func TestParseVerify_FlagsAroundTheURL(t *testing.T) {
	cfg, err := parseVerify("verify", []string{
		"--method", "put", "http://h/b/k", "-H", "Content-Type: text/plain", "-H", "x-amz-meta-a:1", "--now", "2026-11-26T10:00:00Z",
	}, io.Discard, envMap(nil))
	require.NoError(t, err)
	assert.Equal(t, "PUT", cfg.method)
	assert.Equal(t, headerFlag{"Content-Type: text/plain", "x-amz-meta-a:1"}, cfg.headers)
	assert.Equal(t, time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC), cfg.now.UTC())
}

func TestParseVerify_UsageMistakes_ExitStatus2(t *testing.T) {
	cases := []struct {
		name string
		args []string
	}{
		{"no URL", nil},
		{"two URLs", []string{"http://a/b", "http://c/d"}},
		{"header without colon", []string{"http://a/b", "-H", "NoColon"}},
		{"bad --now", []string{"http://a/b", "--now", "yesterday"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := parseVerify("verify", c.args, io.Discard, envMap(nil))
			require.Error(t, err)
			assert.Equal(t, exitUsage, exitCode(err))
		})
	}
}

func TestShellQuote(t *testing.T) {
	cases := map[string]string{
		"http://127.0.0.1:9000":                    "http://127.0.0.1:9000",
		"wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
		"a b":   "'a b'",
		"it's":  `'it'\''s'`,
		"$HOME": "'$HOME'",
	}
	for in, want := range cases {
		assert.Equal(t, want, shellQuote(in), in)
	}
}

func TestParsePresign_OperationURLAndLimits(t *testing.T) {
	cfg, err := parsePresign([]string{"post", "s3://my-bucket/dir/a b.txt", "--expires", "2h", "--max-size", "5MiB", "--content-type", "image/png", "--html"},
		io.Discard, envMap(map[string]string{"AWS_ENDPOINT_URL": "https://127.0.0.1:9443"}))
	require.NoError(t, err)
	assert.Equal(t, "post", cfg.op)
	assert.Equal(t, "my-bucket", cfg.bucket)
	assert.Equal(t, "dir/a b.txt", cfg.key)
	assert.Equal(t, 2*time.Hour, cfg.expires)
	assert.Equal(t, int64(5<<20), cfg.maxSize)
	assert.Equal(t, "image/png", cfg.contentType)
	assert.True(t, cfg.html)
	assert.Equal(t, "https://127.0.0.1:9443", cfg.endpoint)
}

func TestParsePresign_Endpoint_FlagThenStrictS3ThenAWSThenDefault(t *testing.T) {
	cases := []struct {
		name string
		args []string
		env  map[string]string
		want string
	}{
		{"default", nil, nil, "http://127.0.0.1:9000"},
		{"AWS_ENDPOINT_URL", nil, map[string]string{"AWS_ENDPOINT_URL": "http://aws.env:1"}, "http://aws.env:1"},
		{"STRICTS3_ENDPOINT first", nil, map[string]string{"AWS_ENDPOINT_URL": "http://aws.env:1", "STRICTS3_ENDPOINT": "http://s3.env:2"}, "http://s3.env:2"},
		{"flag wins", []string{"--endpoint", "http://flag:3"}, map[string]string{"STRICTS3_ENDPOINT": "http://s3.env:2"}, "http://flag:3"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cfg, err := parsePresign(append([]string{"get", "s3://b/k"}, c.args...), io.Discard, envMap(c.env))
			require.NoError(t, err)
			assert.Equal(t, c.want, cfg.endpoint)
		})
	}
}

func TestParsePresign_Expires(t *testing.T) {
	cases := []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"15m", 15 * time.Minute, true},
		{"900", 900 * time.Second, true},
		{"168h", 7 * 24 * time.Hour, true},
		{"604800", 604800 * time.Second, true},
		{"604801", 0, false},
		{"169h", 0, false},
		{"0", 0, false},
		{"1.5s", 0, false},
		{"soon", 0, false},
	}
	for _, c := range cases {
		t.Run(c.in, func(t *testing.T) {
			cfg, err := parsePresign([]string{"get", "s3://b/k", "--expires", c.in}, io.Discard, envMap(nil))
			if !c.ok {
				require.Error(t, err)
				assert.Equal(t, exitUsage, exitCode(err))
				return
			}
			require.NoError(t, err)
			assert.Equal(t, c.want, cfg.expires)
		})
	}
}

func TestParseSize(t *testing.T) {
	cases := map[string]int64{"0": 0, "1048576": 1 << 20, "10MB": 10e6, "10 mb": 10e6, "5MiB": 5 << 20, "2k": 2000, "1GiB": 1 << 30, "7b": 7}
	for in, want := range cases {
		got, err := parseSize(in)
		require.NoError(t, err, in)
		assert.Equal(t, want, got, in)
	}
	for _, bad := range []string{"", "-1", "ten", "1.5MB", "99999999999GiB"} {
		_, err := parseSize(bad)
		assert.Error(t, err, bad)
	}
}

func TestParsePresign_UsageMistakes_ExitStatus2(t *testing.T) {
	cases := []struct {
		name string
		args []string
	}{
		{"no arguments", nil},
		{"unknown operation", []string{"copy", "s3://b/k"}},
		{"not an s3 URL", []string{"get", "https://b/k"}},
		{"no key", []string{"get", "s3://b/"}},
		{"no bucket", []string{"get", "s3:///k"}},
		{"max-size outside post", []string{"get", "s3://b/k", "--max-size", "1"}},
		{"html outside post", []string{"put", "s3://b/k", "--html"}},
		{"content-type on get", []string{"get", "s3://b/k", "--content-type", "text/plain"}},
		{"bad endpoint", []string{"get", "s3://b/k", "--endpoint", "localhost:9000"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := parsePresign(c.args, io.Discard, envMap(nil))
			require.Error(t, err)
			assert.Equal(t, exitUsage, exitCode(err))
		})
	}
}

func TestRequestTarget_KeepsThePathAndQueryAsWritten(t *testing.T) {
	cases := map[string]string{
		"http://h:9000/b/k?X-Amz-Date=1":      "/b/k?X-Amz-Date=1",
		"http://h/b/a%2Fb%7E%41?x=%2F":        "/b/a%2Fb%7E%41?x=%2F",
		"https://b.localhost":                 "/",
		"https://b.localhost?location":        "/?location",
		"http://user@h/b/k#fragment":          "/b/k",
		"http://h/b/k+plus?prefix=a+b&x=%20y": "/b/k+plus?prefix=a+b&x=%20y",
	}
	for in, want := range cases {
		assert.Equal(t, want, requestTarget(in), in)
	}
}
