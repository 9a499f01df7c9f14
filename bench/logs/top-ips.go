// The log CLI from the article Switchyard grew from (seed section 1), as a baseline: count the
// first whitespace-separated field of each line with bufio.Scanner and strings.Fields, sort, print
// the top 10. Written out here with the imports its listing omits and the file taken from argv
// instead of a fixed "access.log"; the algorithm is unchanged.
package main

import (
	"bufio"
	"fmt"
	"os"
	"sort"
	"strings"
)

func main() {
	file, err := os.Open(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	defer file.Close()

	counts := make(map[string]int)
	scanner := bufio.NewScanner(file)
	for scanner.Scan() {
		if fields := strings.Fields(scanner.Text()); len(fields) > 0 {
			counts[fields[0]]++
		}
	}

	type entry struct {
		ip    string
		count int
	}
	entries := make([]entry, 0, len(counts))
	for ip, n := range counts {
		entries = append(entries, entry{ip, n})
	}
	sort.Slice(entries, func(i, j int) bool { return entries[i].count > entries[j].count })

	fmt.Println("Top 10 IPs:")
	for i := 0; i < len(entries) && i < 10; i++ {
		fmt.Printf("%d. %s -> %d\n", i+1, entries[i].ip, entries[i].count)
	}
}
