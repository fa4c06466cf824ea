"""Web plumbing every feature shares: errors, security headers, request checks, cookies, filters."""
