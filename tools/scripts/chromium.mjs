// Where the browser tests' Chromium is (Debian's package, installed by ensure-chromium.mjs) and the
// flags they launch it with through playwright-core (which never downloads a browser of its own).
export const CHROMIUM = '/usr/bin/chromium';
export const CHROMIUM_FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
