from okrdsl.cli import main

main()
