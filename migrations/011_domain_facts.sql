-- Whether a dead link's domain can be had: its registration as RDAP tells it, looked up once per
-- registrable domain (the key prospects carry as dead_domain) and kept for 30 days, then asked again.
-- state: pending until the lookup settles; registered (expires_at and registrar when the registry says
-- them), available (the registry does not know the name), unknown (no RDAP service for the TLD, an
-- unreadable answer, or RDAP could not be asked). requested_at: when the lookup was last asked for; the
-- reconciler ages pending lookups from it. refreshes: how many times the facts were asked for again (it
-- names the job: domain-<name>-r<n>, so a new lookup never meets the finished job of an old one).
CREATE TABLE domain_facts (
  domain text PRIMARY KEY CHECK (domain = lower(domain)),
  state text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'registered', 'available', 'unknown')),
  expires_at timestamptz,
  registrar text,
  checked_at timestamptz,
  requested_at timestamptz NOT NULL DEFAULT now(),
  refreshes integer NOT NULL DEFAULT 0
);
CREATE INDEX domain_facts_pending ON domain_facts (requested_at) WHERE state = 'pending';
