"""The only network code: the package index (simple repository API), outdated versions and
known vulnerabilities. Nothing here runs unless a user asks for it."""
