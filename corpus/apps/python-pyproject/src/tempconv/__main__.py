from tempconv.cli import main

main()
