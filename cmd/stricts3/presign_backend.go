package main

import (
	"context"
	"errors"
	"net/http"
)

var errPresignUnavailable = errors.New("presign: not available yet")

func presignURL(ctx context.Context, c *presignConfig) (string, http.Header, error) {
	return "", nil, errPresignUnavailable
}

func presignPost(ctx context.Context, c *presignConfig) (*postForm, error) {
	return nil, errPresignUnavailable
}

func postHTML(c *presignConfig, form *postForm) (string, error) {
	return "", errPresignUnavailable
}
