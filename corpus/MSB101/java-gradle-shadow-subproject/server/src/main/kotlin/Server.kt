fun main() {
    println("shop")
}
