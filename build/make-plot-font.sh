#!/bin/sh
# Regenerates the font that figures embed (src/IBot.Pipeline.Vision/Reports/Fonts): DejaVu Sans
# reduced to the characters plots use. Needs Debian's fonts-dejavu-core and fonttools.
set -e
out="$(dirname "$0")/../src/IBot.Pipeline.Vision/Reports/Fonts/DejaVuSans-subset.ttf"
pyftsubset /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf \
  --unicodes="U+0020-007E,U+00A0-00FF,U+2010-2027,U+2030,U+2212,U+2190-2193,U+221E" \
  --layout-features='kern,liga' --output-file="$out"
