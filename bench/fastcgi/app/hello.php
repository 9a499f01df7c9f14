<?php
// Benchmark script: the smallest useful PHP response.
header('Content-Type: text/plain');
echo "hello\n";
