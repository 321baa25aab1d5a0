#!/usr/bin/env bash
# The WooCommerce plugin's checks: `php -l` on every PHP file of the plugin and of these tests,
# then the tests (tests/php/run.php), which close with "N passed, N failed".
# Needs php-cli (Debian: apt-get install php-cli). Usage: bash tests/php/run.sh
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
php="${PHP:-php}"
if ! command -v "$php" >/dev/null 2>&1; then
	echo "tests/php: php not found; install php-cli (apt-get install php-cli) or set PHP=/path/to/php" >&2
	exit 1
fi

lint_failed=0
files=0
while IFS= read -r -d '' file; do
	files=$((files + 1))
	if ! out="$("$php" -l "$file" 2>&1)"; then
		echo "php -l: ${file#"$root"/}: $out" >&2
		lint_failed=$((lint_failed + 1))
	fi
done < <(find "$root/integrations/woocommerce" "$root/tests/php" -name '*.php' -print0 | sort -z)
echo "php -l: $((files - lint_failed)) of $files files parse"
if [ "$lint_failed" -gt 0 ]; then
	echo "0 passed, $lint_failed failed"
	exit 1
fi

exec "$php" "$root/tests/php/run.php"
