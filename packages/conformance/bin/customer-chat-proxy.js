#!/usr/bin/env node
// The package's bin. It exists before the build (so installing the workspace can link it) and
// starts the built CLI.
import '../dist/proxy-cli.js';
