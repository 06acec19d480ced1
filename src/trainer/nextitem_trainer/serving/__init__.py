"""What serves and renews the model the job runs: export to a registry version, fine-tuning on snapshots."""
