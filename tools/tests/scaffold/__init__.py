"""The scaffolder (tools/scaffold/): its inputs, steps and command."""
