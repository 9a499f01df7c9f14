<?php
// A PHP fatal: with display_errors off, php-fpm answers 500 with no body and the error on stderr,
// which the gateway turns into its own problem with the fatal (file, line, stack) in the chain.
function load_profile(int $id): array
{
    return fetch_profile_row($id); // no such function
}

load_profile(7);
