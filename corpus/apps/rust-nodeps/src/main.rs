//! primes: prints the primes below a limit (sieve of Eratosthenes).
//! SELFTEST=1 prints a summary of the primes below 100 and exits.
use std::env;
use std::process;

fn sieve(limit: usize) -> Vec<usize> {
    let mut is_prime = vec![true; limit.max(2)];
    is_prime[0] = false;
    is_prime[1] = false;
    let mut i = 2;
    while i * i < limit {
        if is_prime[i] {
            let mut j = i * i;
            while j < limit {
                is_prime[j] = false;
                j += i;
            }
        }
        i += 1;
    }
    (0..limit).filter(|&n| is_prime[n]).collect()
}

fn main() {
    if env::var("SELFTEST").as_deref() == Ok("1") {
        let p = sieve(100);
        let sum: usize = p.iter().sum();
        println!("primes selftest: {} primes below 100, sum {}, last {}", p.len(), sum, p[p.len() - 1]);
        return;
    }
    let limit: usize = match env::args().nth(1).unwrap_or_else(|| "50".into()).parse() {
        Ok(n) => n,
        Err(e) => {
            eprintln!("usage: primes LIMIT ({})", e);
            process::exit(2);
        }
    };
    let out: Vec<String> = sieve(limit).iter().map(|n| n.to_string()).collect();
    println!("{}", out.join(" "));
}

#[cfg(test)]
mod tests {
    use super::sieve;
    #[test]
    fn small() {
        assert_eq!(sieve(20), vec![2, 3, 5, 7, 11, 13, 17, 19]);
    }
}
