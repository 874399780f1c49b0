package main

import (
	"context"
	"errors"
	"io"
)

func runPresign(ctx context.Context, args []string, stdout, stderr io.Writer, getenv Getenv) error {
	return errors.New("presign: not available yet")
}
