package emulator

import (
	"context"
	"errors"
	"fmt"

	"github.com/stricts3/stricts3/emulator/cors"
	"github.com/stricts3/stricts3/emulator/store"
)

// BucketSetup is a bucket that exists from the start: New creates it, and
// the control API's reset creates it again, so a test suite that resets
// between tests finds it as the server started.
type BucketSetup struct {
	// Name must be a valid S3 bucket name.
	Name string
	// CORS, when not nil, is the bucket's CORS configuration (as
	// PutBucketCors would set it, already parsed with cors.Parse).
	CORS *cors.Configuration
}

// validateStartupBuckets refuses names S3 would refuse, before anything
// is created.
func validateStartupBuckets(buckets []BucketSetup) error {
	for _, b := range buckets {
		if ok, why := validBucketName(b.Name); !ok {
			return fmt.Errorf("emulator: start-up bucket %q: %s", b.Name, why)
		}
	}
	return nil
}

// createStartupBuckets creates the start-up buckets that do not exist yet
// and sets their CORS configurations. A bucket that already exists (a
// directory store reopened) keeps its objects.
func (s *Server) createStartupBuckets(ctx context.Context) ([]string, error) {
	var created []string
	for _, b := range s.startupBuckets {
		err := s.store.CreateBucket(ctx, b.Name, s.region)
		switch {
		case err == nil:
			created = append(created, b.Name)
		case errors.Is(err, store.ErrBucketExists):
		default:
			return created, fmt.Errorf("emulator: start-up bucket %q: %w", b.Name, err)
		}
		if b.CORS != nil {
			if err := s.store.PutBucketConfig(ctx, b.Name, corsConfigName, b.CORS.Marshal()); err != nil {
				return created, fmt.Errorf("emulator: start-up bucket %q: CORS: %w", b.Name, err)
			}
		}
	}
	return created, nil
}
