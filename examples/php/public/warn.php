<?php
// Warnings go to the log, not to the client: the answer is an ordinary 200.
header('Content-Type: text/plain');
$parts = explode(',', 'a,b');
echo 'ok ' . $parts[5] . $undefined;
