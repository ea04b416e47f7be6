"""Reports that show a model rather than describe it: the arena over time
(`torchmcu plan --plot`), per-layer accuracy (`torchmcu compare`) and what a
firmware image spends on flash and RAM (`torchmcu size`). See docs/reports.md."""
