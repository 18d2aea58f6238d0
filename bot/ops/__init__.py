"""Running Vertskap as a service: packaging, health, metrics, backups, new regions."""
