"""The tools command line as a whole: malformed input, the project it works on."""
