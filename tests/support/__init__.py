"""What several test folders share: the demo month in progress, the thoughtless players."""
