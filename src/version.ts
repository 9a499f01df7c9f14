/** The package version, read once from package.json so that it is stated in one place. */
import { readPackageFile } from './runtime/resources.js';

const pkg = JSON.parse(readPackageFile('package.json').toString('utf8')) as { version: string };
export const VERSION: string = pkg.version;
