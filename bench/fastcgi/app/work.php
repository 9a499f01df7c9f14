<?php
// Benchmark script: about 1 ms of CPU, like a light page render.
$end = hrtime(true) + 1000000;
$n = 0;
while (hrtime(true) < $end) {
    $n++;
}
header('Content-Type: text/plain');
echo "worked $n\n";
